// The UTF-8 validator and position helpers against hand-built byte sequences.
#include "data/tabular/text_input.h"

#include <gtest/gtest.h>

namespace deepfin::data::detail {
namespace {

constexpr size_t kValid = std::string_view::npos;

TEST(TextInput, AcceptsValidUtf8OfEveryLength) {
  EXPECT_EQ(find_invalid_utf8(""), kValid);
  EXPECT_EQ(find_invalid_utf8("plain ascii text longer than eight bytes"), kValid);
  EXPECT_EQ(find_invalid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"), kValid);  // é € 😀 U+10FFFF
}

TEST(TextInput, RejectsMalformedSequencesAtTheirFirstByte) {
  EXPECT_EQ(find_invalid_utf8("abc\x80"), 3u);                   // lone continuation byte
  EXPECT_EQ(find_invalid_utf8("ab\xC0\xAF"), 2u);                // overlong '/'
  EXPECT_EQ(find_invalid_utf8("a\xE0\x80\xAF"), 1u);             // overlong 3-byte form
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);              // surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("12345678\xF4\x90\x80\x80"), 8u);  // past U+10FFFF
  EXPECT_EQ(find_invalid_utf8("xy\xE2\x82"), 2u);                // truncated at the end
  EXPECT_EQ(find_invalid_utf8("\xC3("), 0u);                     // bad continuation
  EXPECT_EQ(find_invalid_utf8("\xFF"), 0u);
}

TEST(TextInput, Latin1BytesBecomeTheirCodePoints) {
  EXPECT_EQ(latin1_to_utf8("a\xE9\xFF"), "a\xC3\xA9\xC3\xBF");
  EXPECT_EQ(find_invalid_utf8(latin1_to_utf8("\x80\x9F\xA0\xFF")), kValid);
}

TEST(TextInput, PositionsCountLinesAndCharacters) {
  const std::string_view text = "ab\n\xC3\xA9x\nz";
  EXPECT_EQ(position_of(text, 0).line, 1);
  EXPECT_EQ(position_of(text, 0).column, 1);
  EXPECT_EQ(position_of(text, 5).line, 2);  // 'x' after the two-byte é
  EXPECT_EQ(position_of(text, 5).column, 2);
  EXPECT_EQ(position_of(text, 7).line, 3);
  EXPECT_EQ(position_of(text, 7).column, 1);
  EXPECT_EQ(skip_utf8_bom("\xEF\xBB\xBFq"), "q");
  EXPECT_EQ(skip_utf8_bom("\xEF\xBBq"), "\xEF\xBBq");
}

}  // namespace
}  // namespace deepfin::data::detail
