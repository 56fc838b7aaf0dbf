# Pins the component just built: writes its sha256 into gonogo.yaml.
pin() {
  local digest
  digest="$(sha256sum "build/{{name}}.wasm" | cut -d' ' -f1)"
  sed -i.bak "s|^\(    sha256:\).*|\1 $digest|" gonogo.yaml && rm -f gonogo.yaml.bak
  echo "built build/{{name}}.wasm ($(wc -c < "build/{{name}}.wasm") bytes), pinned sha256 $digest"
}

need() { # tool, how to install it
  command -v "$1" > /dev/null || { echo "build: \`$1\` not found: $2" >&2; exit 2; }
}
