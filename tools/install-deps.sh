#!/usr/bin/env bash
# Installs what Sail's tests need outside Go, and is safe to run again:
#   1. the Debian packages in DEBIAN_PACKAGES that are missing (needs root);
#   2. the Kubernetes test assets pkg/kube/testenv runs, in
#      ${SAIL_KUBE_ASSETS:-$HOME/.cache/sail/kube-v1.34.4}:
#      kube-apiserver (built from source by tools/kube-apiserver/build.sh)
#      and etcd (a link to the one etcd-server installs).
set -euo pipefail

# Debian packages the tests use. Add to this list; keep one name per line.
DEBIAN_PACKAGES=(
	etcd-server       # etcd for pkg/kube/testenv
	protobuf-compiler # protoc
	libprotobuf-dev   # the well-known .proto files protoc includes
	redis-server      # a real Redis for tests
	iptables          # proxy/pkg/iptables namespace tests (iptables-restore, iptables-save)
)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
assets="${SAIL_KUBE_ASSETS:-${HOME}/.cache/sail/kube-v1.34.4}"

missing_packages() {
	local p
	for p in "${DEBIAN_PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
			echo "$p"
		fi
	done
}

install_packages() {
	local missing
	mapfile -t missing < <(missing_packages)
	if [[ ${#missing[@]} -eq 0 ]]; then
		echo "Debian packages present: ${DEBIAN_PACKAGES[*]}"
		return
	fi
	if [[ $(id -u) -ne 0 ]]; then
		echo "install-deps.sh: missing Debian packages: ${missing[*]}" >&2
		echo "install-deps.sh: run as root, or install them first: sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	echo "installing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
		echo "apt-get install failed; updating the package lists once and retrying"
		apt-get update
		apt-get install -y --no-install-recommends "${missing[@]}"
	fi
}

link_etcd() {
	local etcd
	etcd="$(command -v etcd || true)"
	if [[ -z "$etcd" ]]; then
		echo "install-deps.sh: etcd is not on PATH although etcd-server is installed" >&2
		exit 1
	fi
	if [[ "$(readlink "${assets}/etcd" 2>/dev/null)" == "$etcd" ]]; then
		echo "etcd link present: ${assets}/etcd -> ${etcd}"
		return
	fi
	mkdir -p "$assets"
	ln -sfn "$etcd" "${assets}/etcd"
	echo "linked ${assets}/etcd -> ${etcd}"
}

install_packages
link_etcd
"${here}/kube-apiserver/build.sh" "$assets"
echo "test assets ready in ${assets}"
