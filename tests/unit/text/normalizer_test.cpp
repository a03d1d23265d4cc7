// normalize(): NFC, case folding as utf8proc does it, accents, whitespace, control characters, bad UTF-8.
#include "deepfin/text/normalizer.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"

namespace deepfin::text {
namespace {

const std::string kComposedE = "\xC3\xA9";     // U+00E9 é
const std::string kDecomposedE = "e\xCC\x81";  // e + U+0301 combining acute

TEST(Normalize, NfcComposesDecomposedAccents) {
  EXPECT_EQ(normalize("caf" + kDecomposedE), "caf" + kComposedE);
  EXPECT_EQ(normalize("caf" + kComposedE), "caf" + kComposedE);
  // Without NFC (and without folding) the decomposed form is kept byte for byte.
  EXPECT_EQ(normalize("caf" + kDecomposedE, {.nfc = false, .lowercase = false}), "caf" + kDecomposedE);
}

TEST(Normalize, CaseFoldingIsFullUnicodeFolding) {
  EXPECT_EQ(normalize("EUR131M Net Sales"), "eur131m net sales");
  EXPECT_EQ(normalize("Stra\xC3\x9F"
                      "e"),
            "strasse");  // German ß folds to ss
  EXPECT_EQ(normalize("STRASSE"), "strasse");
  EXPECT_EQ(normalize("\xC3\x89LAN"), kComposedE + "lan");      // É → é
  EXPECT_EQ(normalize("\xC4\xB0stanbul"), "i\xCC\x87stanbul");  // Turkish İ → i + U+0307 (no locale)
  EXPECT_EQ(normalize("ISTANBUL"), "istanbul");                 // I → i, never dotless ı
  EXPECT_EQ(normalize("\xCE\xA3\xCE\x9F\xCE\xA6"), "\xCF\x83\xCE\xBF\xCF\x86");  // ΣΟΦ → σοφ
  EXPECT_EQ(normalize("Net Sales", {.lowercase = false}), "Net Sales");
}

TEST(Normalize, StripAccentsDropsCombiningMarks) {
  const NormalizerOptions strip{.strip_accents = true};
  EXPECT_EQ(normalize("Cr" + kComposedE + "dit Agricole \xC3\x91", strip), "credit agricole n");
  EXPECT_EQ(normalize("Cr" + kDecomposedE + "dit", strip), "credit");
  EXPECT_EQ(normalize("Cr" + kComposedE + "dit", {.nfc = false, .lowercase = false, .strip_accents = true}), "Credit");
  EXPECT_EQ(normalize("Cr" + kComposedE + "dit"), "cr" + kComposedE + "dit");  // kept by default
}

TEST(Normalize, WhitespaceCollapsesToOneSpaceAndIsTrimmed) {
  // tab, line feed, CR, no-break space U+00A0, em space U+2003, line separator U+2028, ideographic space U+3000
  EXPECT_EQ(normalize("  Net\tsales\xC2\xA0rose \r\n\xE2\x80\x83 5%\xE2\x80\xA8up\xE3\x80\x80 "),
            "net sales rose 5% up");
  EXPECT_EQ(normalize(" \t\n "), "");
  EXPECT_EQ(normalize(""), "");
}

TEST(Normalize, ControlAndFormatCharactersAreRemoved) {
  // U+0001, NUL, DEL, zero-width space U+200B, soft hyphen U+00AD, byte order mark U+FEFF
  std::string text = "a\x01";
  text.push_back('b');
  text.push_back('\0');
  text +=
      "c\x7F"
      "d\xE2\x80\x8B"
      "e\xC2\xAD"
      "f\xEF\xBB\xBFg";
  EXPECT_EQ(normalize(text), "abcdefg");
  // A removed character between spaces does not leave two spaces.
  EXPECT_EQ(normalize("a \x01 b"), "a b");
}

TEST(Normalize, IsIdempotent) {
  for (const std::string& text : std::vector<std::string>{"  Stra\xC3\x9F"
                                                          "e  EUR131m ",
                                                          "\xC4\xB0stanbul\t+5.2 %", "caf" + kDecomposedE}) {
    const std::string once = normalize(text);
    EXPECT_EQ(normalize(once), once) << text;
  }
}

TEST(Normalize, InvalidUtf8NamesTheByteOffset) {
  const auto expect_offset = [](const std::string& bytes, const std::string& offset) {
    try {
      normalize(bytes);
      ADD_FAILURE() << "no error for " << bytes;
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("invalid UTF-8 at byte offset " + offset), std::string::npos) << e.what();
    }
  };
  expect_offset(
      "ab\xFF"
      "cd",
      "2");                            // never valid
  expect_offset("caf\xE9 ", "3");      // a Latin-1 é
  expect_offset("x\xC0\xAF", "1");     // overlong '/'
  expect_offset("ok \xE2\x82", "3");   // truncated at the end
  expect_offset("\xED\xA0\x80", "0");  // a UTF-16 surrogate
  EXPECT_THROW(normalize("\x80", {.nfc = false, .lowercase = false}), ValueError);
}

}  // namespace
}  // namespace deepfin::text
