// A WordPiece tokenizer as a model file stores it (JSON): vocabulary, options and
// normalization; a tokenizer that loads must encode and decode a sentence.
#include "deepfin/io/json_text.h"
#include "deepfin/text/tokenizer.h"
#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(tokenizer_json) {
  return deepfin::fuzz::run_target("tokenizer_json", [&] {
    const auto tokenizer =
        deepfin::text::Tokenizer::from_json(deepfin::io::parse_json_text(deepfin::fuzz::as_text(data, size), "fuzz"));
    const auto ids = tokenizer.encode("Card payment of EUR131m declined @ 5.2% -- why?");
    tokenizer.decode(ids);
  });
}
