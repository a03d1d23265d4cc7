#pragma once
// Text normalization before tokenization, so that the same sentence typed in two
// ways (composed vs decomposed accents, "EUR" vs "eur", a tab vs two spaces, a
// stray zero-width space) gives the same tokens.
//
// Steps, in order: the input is validated as UTF-8; Unicode NFC (utf8proc);
// full Unicode case folding (utf8proc's CASEFOLD, so "Straße" → "strasse" and
// Turkish "İ" → "i" + U+0307, as utf8proc does, with no locale rules); optional
// accent stripping (decompose, drop combining marks, recompose); then every run of
// whitespace (any Unicode space separator, tab, line or paragraph break) becomes
// one ASCII space, leading/trailing spaces are trimmed, and control (Cc) and
// format (Cf: zero-width space, soft hyphen, byte order mark) characters are removed.
#include <string>
#include <string_view>

namespace deepfin::text {

struct NormalizerOptions {
  bool nfc = true;
  bool lowercase = true;  // full case folding, not just ASCII lowercase
  bool strip_accents = false;
};

// The normalized text. ValueError naming the byte offset of the first invalid UTF-8 sequence.
std::string normalize(std::string_view utf8, const NormalizerOptions& options = {});

}  // namespace deepfin::text
