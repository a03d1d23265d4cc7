// The Financial PhraseBank format (sentence@label lines), UTF-8 or Latin-1 by detection.
#include "deepfin/text/readers.h"
#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(phrasebank) {
  return deepfin::fuzz::run_target(
      "phrasebank", [&] { deepfin::text::read_phrasebank(deepfin::fuzz::scratch_file(data, size, ".txt")); });
}
