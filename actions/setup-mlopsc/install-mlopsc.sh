# Installs the mlopsc release archive a generated CI job runs (POSIX sh).
# One source: the GitHub action beside this file runs it, and `mlopsc build`
# writes the same text into the GitLab jobs' before_script.
#
# In:  MLOPSC_VERSION  the release, e.g. 0.1.0 (the compiler that wrote the CI)
#      MLOPSC_URL      where the archive is; `{version}` is replaced; https://,
#                      http:// or file:// (a mirror, or a test)
#      MLOPSC_SHA256   the archive's sha256; when empty the `.sha256` published
#                      beside it is used instead (weaker: same server)
#      MLOPSC_HOME     where to unpack (default $HOME/.mlopsc); the binary is
#                      then MLOPSC_HOME/VERSION/bin/mlopsc
# Fetches with curl, wget or python3, whichever the image has. Reuses an
# install of the same version whose archive had the same checksum.
set -eu
fail() { echo "install-mlopsc: error: $*" >&2; exit 1; }
version=${MLOPSC_VERSION:-}
case $version in '' | *[!0-9A-Za-z.+~-]*) fail "MLOPSC_VERSION='$version' is not a release version" ;; esac
case ${MLOPSC_SHA256:-} in '' | ????????????????????????????????????????????????????????????????) ;;
  *) fail "MLOPSC_SHA256 is not 64 hexadecimal digits" ;; esac
case ${MLOPSC_SHA256:-} in *[!0-9a-f]*) fail "MLOPSC_SHA256 is not 64 lower-case hexadecimal digits" ;; esac
url=${MLOPSC_URL:?MLOPSC_URL is not set}
while :; do
  case $url in
    *'{version}'*) url=${url%%"{version}"*}$version${url#*"{version}"} ;;
    *) break ;;
  esac
done
home=${MLOPSC_HOME:-${HOME:-/tmp}/.mlopsc}
dest=$home/$version
fetch() {  # URL FILE
  case $1 in
    file://*) cp -- "${1#file://}" "$2" ;;
    https://* | http://*)
      if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 3 -o "$2" -- "$1"
      elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" -- "$1"
      elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2"
      else fail "no curl, wget or python3 in this image to download $1"; fi ;;
    *) fail "unsupported address $1 (expected https://, http:// or file://)" ;;
  esac
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch "$url" "$tmp/mlopsc.tar.gz" || fail "cannot download $url"
expected=${MLOPSC_SHA256:-}
if [ -z "$expected" ]; then
  fetch "$url.sha256" "$tmp/sha256" || fail "no checksum given and cannot download $url.sha256"
  expected=$(sed -n '1s/^\([0-9a-f]\{64\}\)[ *].*/\1/p' "$tmp/sha256")
  [ -n "$expected" ] || fail "$url.sha256 holds no sha256"
  echo "install-mlopsc: warning: no pinned checksum; checked against $url.sha256" >&2
fi
actual=$(sha256sum "$tmp/mlopsc.tar.gz" | cut -d' ' -f1)
[ "$actual" = "$expected" ] || fail "checksum mismatch for $url: expected $expected, got $actual"
if [ -x "$dest/bin/mlopsc" ] && [ "$(cat "$dest/.sha256" 2>/dev/null)" = "$actual" ]; then
  echo "install-mlopsc: mlopsc $version already installed in $dest"
else
  # Unpacked beside $dest under a name of its own, then renamed into place:
  # two jobs installing into one MLOPSC_HOME at once never share a folder.
  mkdir -p "$(dirname "$dest")"
  new=$(mktemp -d "$dest.new.XXXXXX")
  tar -xzf "$tmp/mlopsc.tar.gz" -C "$new" --strip-components=1 --no-same-owner
  printf '%s\n' "$actual" >"$new/.sha256"
  if [ -x "$dest/bin/mlopsc" ] && [ "$(cat "$dest/.sha256" 2>/dev/null)" = "$actual" ]; then
    rm -rf "$new"   # another job installed the same archive meanwhile
  else
    rm -rf "$dest"
    mv "$new" "$dest"
  fi
fi
"$dest/bin/mlopsc" --version | head -n 1 | grep -qx "mlopsc $version" ||
  fail "$url does not hold mlopsc $version: $("$dest/bin/mlopsc" --version 2>&1 | head -n 1)"
echo "install-mlopsc: mlopsc $version in $dest/bin (sha256 $actual)"
