#!/usr/bin/env bash
# Fails if the committed generated Go under api/ is not what gen.sh would
# produce from the committed .proto files.
#
# It regenerates from a scratch copy of api/, so the work tree is never
# changed, and lists every stale, missing or extra *.pb.go file.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/sail-protogen-check.XXXXXX")"
trap 'rm -rf "${scratch}"' EXIT

cd "${repo_root}"
# Only the inputs: every .proto (third_party/ included, as an include path).
while IFS= read -r -d '' f; do
	mkdir -p "${scratch}/$(dirname "${f}")"
	cp "${f}" "${scratch}/${f}"
done < <(find api -type f -name '*.proto' -print0)

"${repo_root}/tools/protogen/gen.sh" --root "${scratch}" 2>"${scratch}/gen.log" || {
	cat "${scratch}/gen.log" >&2
	echo "protogen check: gen.sh failed (output above)" >&2
	exit 1
}

list_generated() {
	(cd "$1" && find api -path api/third_party -prune -o -type f -name '*.pb.go' -print | LC_ALL=C sort)
}

stale=()
while IFS= read -r f; do
	if [[ ! -f "${repo_root}/${f}" ]]; then
		stale+=("${f} (missing: not committed)")
	elif ! cmp -s "${scratch}/${f}" "${repo_root}/${f}"; then
		stale+=("${f} (differs)")
	fi
done < <(list_generated "${scratch}")
while IFS= read -r f; do
	[[ -f "${scratch}/${f}" ]] || stale+=("${f} (extra: no .proto generates it)")
done < <(list_generated "${repo_root}")

if ((${#stale[@]} > 0)); then
	{
		echo "protogen check: generated Go under api/ is out of date with the .proto files:"
		printf '  %s\n' "${stale[@]}"
		echo "Run 'make gen' (tools/protogen/gen.sh) and commit the result."
	} >&2
	exit 1
fi
echo "protogen check: generated Go under api/ is up to date"
