#!/usr/bin/env bash
# Regenerates the Go code for every .proto file under api/.
#
#   tools/protogen/gen.sh              regenerate in this work tree
#   tools/protogen/gen.sh --root DIR   regenerate DIR/api instead (check.sh
#                                      uses this on a scratch copy)
#
# Output goes next to each .proto file (paths=source_relative). Every existing
# *.pb.go under api/ is deleted first, so a removed .proto leaves nothing
# behind. Hand-written .go files are never touched.
#
# The output names the exact protoc and plugin versions in its headers, so
# the versions are pinned here and checked before generating: the same
# inputs always give byte-identical output.
#
# Tools:
#   protoc               Debian's protobuf-compiler (libprotoc 3.21.12), with
#                        the well-known types from libprotobuf-dev. Installed
#                        with apt-get when missing and running as root.
#   protoc-gen-go        go install'ed into .cache/tools/bin when missing or
#   protoc-gen-go-grpc   of another version.
#
# Environment overrides: PROTOC (the protoc binary), PROTOC_INCLUDE (the
# directory holding google/protobuf/*.proto), SAIL_TOOLS_BIN (where plugins
# are installed).
set -euo pipefail

readonly PROTOC_VERSION="3.21.12"
readonly PROTOC_GEN_GO_VERSION="v1.36.12"
readonly PROTOC_GEN_GO_GRPC_VERSION="v1.6.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target_root="${repo_root}"

die() {
	echo "protogen: $*" >&2
	exit 1
}

while (($# > 0)); do
	case "$1" in
	--root)
		(($# >= 2)) || die "--root needs a directory"
		[[ -d "$2" ]] || die "--root: $2 is not a directory"
		target_root="$(cd "$2" && pwd)"
		shift 2
		;;
	-h | --help)
		awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
		exit 0
		;;
	*)
		die "unknown argument: $1 (see --help)"
		;;
	esac
done

api_dir="${target_root}/api"
[[ -d "${api_dir}" ]] || die "no api/ directory under ${target_root}"

tools_bin="${SAIL_TOOLS_BIN:-${repo_root}/.cache/tools/bin}"
protoc_bin="${PROTOC:-protoc}"
protoc_include="${PROTOC_INCLUDE:-/usr/include}"

ensure_protoc() {
	if ! command -v "${protoc_bin}" >/dev/null 2>&1 || [[ ! -f "${protoc_include}/google/protobuf/any.proto" ]]; then
		if [[ "${EUID}" -eq 0 ]] && command -v apt-get >/dev/null 2>&1 && [[ -z "${PROTOC:-}" ]]; then
			echo "protogen: installing protoc with apt-get (protobuf-compiler libprotobuf-dev)" >&2
			apt-get update -qq >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler libprotobuf-dev >&2
		else
			die "protoc ${PROTOC_VERSION} with its well-known types is required but was not found.
  On Debian or Ubuntu, install it with:
    sudo apt-get install -y protobuf-compiler libprotobuf-dev
  or point PROTOC at a protoc ${PROTOC_VERSION} binary and PROTOC_INCLUDE at the
  directory that holds google/protobuf/any.proto."
		fi
	fi
	command -v "${protoc_bin}" >/dev/null 2>&1 || die "protoc is still missing after installing it"
	[[ -f "${protoc_include}/google/protobuf/any.proto" ]] ||
		die "${protoc_include}/google/protobuf/any.proto not found; install libprotobuf-dev or set PROTOC_INCLUDE"

	local got
	got="$("${protoc_bin}" --version)"
	[[ "${got}" == "libprotoc ${PROTOC_VERSION}" ]] ||
		die "protoc reports '${got}', want 'libprotoc ${PROTOC_VERSION}'.
  The version is recorded in every generated file, so another version would
  rewrite them all. Install Debian's protobuf-compiler ${PROTOC_VERSION} or set
  PROTOC to a binary of that version."
}

# ensure_plugin NAME GO_PACKAGE VERSION VERSION_LINE installs NAME at VERSION
# into tools_bin unless `NAME --version` already prints VERSION_LINE.
ensure_plugin() {
	local name="$1" pkg="$2" version="$3" want="$4"
	local bin="${tools_bin}/${name}"
	if [[ -x "${bin}" ]] && [[ "$("${bin}" --version 2>/dev/null || true)" == "${want}" ]]; then
		return
	fi
	echo "protogen: installing ${pkg}@${version} into ${tools_bin}" >&2
	mkdir -p "${tools_bin}"
	(cd "${repo_root}" && GOBIN="${tools_bin}" GOFLAGS=-buildvcs=false go install "${pkg}@${version}") ||
		die "could not install ${pkg}@${version}"
	[[ "$("${bin}" --version 2>/dev/null || true)" == "${want}" ]] ||
		die "${bin} does not report '${want}' after installing it"
}

ensure_protoc
ensure_plugin protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go \
	"${PROTOC_GEN_GO_VERSION}" "protoc-gen-go ${PROTOC_GEN_GO_VERSION}"
ensure_plugin protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc \
	"${PROTOC_GEN_GO_GRPC_VERSION}" "protoc-gen-go-grpc ${PROTOC_GEN_GO_GRPC_VERSION#v}"

cd "${api_dir}"

# Every .proto except the include-only stand-ins under third_party/, in a
# fixed order so protoc sees the same command line every time.
mapfile -t protos < <(find . -path ./third_party -prune -o -type f -name '*.proto' -print |
	sed 's|^\./||' | LC_ALL=C sort)
((${#protos[@]} > 0)) || die "no .proto files under ${api_dir}"

find . -path ./third_party -prune -o -type f -name '*.pb.go' -print0 | xargs -0 rm -f

"${protoc_bin}" \
	--proto_path=. \
	--proto_path=third_party \
	--proto_path="${protoc_include}" \
	--plugin=protoc-gen-go="${tools_bin}/protoc-gen-go" \
	--plugin=protoc-gen-go-grpc="${tools_bin}/protoc-gen-go-grpc" \
	--go_out=. --go_opt=paths=source_relative \
	--go-grpc_out=. --go-grpc_opt=paths=source_relative \
	--fatal_warnings \
	"${protos[@]}"

count="$(find . -path ./third_party -prune -o -type f -name '*.pb.go' -print | wc -l)"
echo "protogen: generated ${count// /} files from ${#protos[@]} protos in ${api_dir}" >&2
