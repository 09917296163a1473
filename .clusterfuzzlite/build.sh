#!/bin/bash -eu
# .clusterfuzzlite/build.sh — builds the fuzz targets as OSS-Fuzz / ClusterFuzzLite want
# them: compiled with $CC $CFLAGS (the sanitizer and -fsanitize=fuzzer-no-link come from
# there), linked with $LIB_FUZZING_ENGINE (fuzz/CMakeLists.txt, OTACHECK_FUZZ_ENGINE=
# oss-fuzz, which also links the -dev libraries statically: the runner image has none).
# Writes to $OUT, per target <name> (fuzz/targets/<name>.c), under the executable's name
# fuzz_<name> as the engines look them up:
#   fuzz_<name>                   the fuzzer
#   fuzz_<name>.dict              from corpus/<name>.dict, when present
#   fuzz_<name>.options           from corpus/<name>.options, when present (its dict = ...
#                                 pointed at fuzz_<name>.dict)
#   fuzz_<name>_seed_corpus.zip   the files of corpus/<name>/, when present
# Runs in the image of .clusterfuzzlite/Dockerfile; locally, for a check:
#   CC=clang-14 CFLAGS='-fsanitize=address,fuzzer-no-link' LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   SRC=<dir holding otacheck/> OUT=/tmp/out WORK=/tmp/work .clusterfuzzlite/build.sh
src="$SRC/otacheck"
build="${WORK:-/tmp}/otacheck-build"
jobs=$(nproc 2>/dev/null || echo 2)
cd "$src"

cmake -S . -B "$build" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE= \
  -DOTACHECK_FUZZ_ENGINE=oss-fuzz -DOTACHECK_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DOTACHECK_TESTS=OFF -DOTACHECK_CLI=OFF -DOTACHECK_WERROR=OFF

targets=()
for f in fuzz/targets/*.c; do targets+=("$(basename "$f" .c)"); done
bins=()
for t in "${targets[@]}"; do bins+=("fuzz_$t"); done
cmake --build "$build" -j"$jobs" --target "${bins[@]}"

mkdir -p "$OUT"
for t in "${targets[@]}"; do
  f="fuzz_$t"
  cp "$build/fuzz/$f" "$OUT/$f"
  if [[ -f corpus/$t.dict ]]; then
    cp "corpus/$t.dict" "$OUT/$f.dict"
  fi
  if [[ -f corpus/$t.options ]]; then
    sed -E "s|^([[:space:]]*dict[[:space:]]*=).*|\1 $f.dict|" "corpus/$t.options" >"$OUT/$f.options"
  fi
  rm -f "$OUT/${f}_seed_corpus.zip"
  if [[ -d corpus/$t ]] && [[ -n "$(ls -A "corpus/$t")" ]]; then
    (cd "corpus/$t" && cmake -E tar cf "$OUT/${f}_seed_corpus.zip" --format=zip -- *)
  fi
  # what the runner image cannot provide: any shared library beyond the C runtime
  extra=$(readelf -d "$OUT/$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' |
          grep -Ev '^(libc|libm|libdl|libpthread|librt|libgcc_s|libstdc\+\+|ld-linux.*)\.so' || true)
  if [[ -n "$extra" ]]; then
    echo "build.sh: $f needs shared libraries the runner lacks: $extra" >&2
    exit 1
  fi
done
ls -l "$OUT"
