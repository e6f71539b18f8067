#!/usr/bin/env bash
# Builds kube-apiserver from source into OUTDIR, unless OUTDIR already holds
# one that reports the pinned version. The version is the k8s.io/kubernetes
# requirement in this directory's go.mod.
#
# Usage: tools/kube-apiserver/build.sh OUTDIR
#
# A cold build takes 5 to 12 minutes on two cores (about 8 CPU-minutes);
# once Go's build cache is warm it takes 15 to 25 seconds (the link).
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# This directory is a module of its own; keep any go.work above it out.
export GOWORK=off
outdir="$1"
bin="${outdir}/kube-apiserver"

version="$(cd "$here" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
if [[ ! "$version" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
	echo "build.sh: unexpected k8s.io/kubernetes version ${version:-<none>} in ${here}/go.mod" >&2
	exit 1
fi
major="${BASH_REMATCH[1]}"
minor="${BASH_REMATCH[2]}"

if [[ -x "$bin" ]]; then
	have="$("$bin" --version 2>/dev/null || true)"
	if [[ "$have" == "Kubernetes ${version}" ]]; then
		echo "kube-apiserver ${version} already in ${outdir}"
		exit 0
	fi
	echo "replacing ${bin} (reports '${have:-nothing}', want 'Kubernetes ${version}')"
fi

mkdir -p "$outdir"
echo "building kube-apiserver ${version} into ${outdir} (5 to 12 minutes on two cores when Go's build cache is cold)"
pkg=k8s.io/component-base/version
ldflags="-X ${pkg}.gitVersion=${version} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor}"
# Build to a temporary name first so an interrupted build never leaves a
# half-written binary that a later run would take for a good one.
tmp="$(mktemp "${outdir}/.kube-apiserver.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
start=$SECONDS
(cd "$here" && go build -ldflags "$ldflags" -o "$tmp" k8s.io/kubernetes/cmd/kube-apiserver)
chmod 0755 "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT
echo "built ${bin} ($("$bin" --version)) in $((SECONDS - start))s"
