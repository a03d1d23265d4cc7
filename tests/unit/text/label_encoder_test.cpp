// LabelEncoder: sorted classes, encode/decode, errors that list the known labels, JSON round trip.
#include "deepfin/text/label_encoder.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"

namespace deepfin::text {
namespace {

TEST(LabelEncoder, ClassesAreSortedAndDistinct) {
  const LabelEncoder encoder = LabelEncoder::fit({"neutral", "positive", "negative", "neutral", "positive"});
  EXPECT_EQ(encoder.classes, (std::vector<std::string>{"negative", "neutral", "positive"}));
  EXPECT_EQ(encoder.num_classes(), 3);
  EXPECT_EQ(encoder.encode("negative"), 0);
  EXPECT_EQ(encoder.encode("positive"), 2);
  EXPECT_EQ(encoder.encode(std::vector<std::string>{"positive", "neutral", "positive"}),
            (std::vector<int64_t>{2, 1, 2}));
  for (int64_t id = 0; id < 3; ++id) EXPECT_EQ(encoder.encode(encoder.decode(id)), id);
  EXPECT_THROW(LabelEncoder::fit({}), ValueError);
}

TEST(LabelEncoder, UnknownLabelsAndIdsAreNamed) {
  const LabelEncoder encoder = LabelEncoder::fit({"b", "a", "c"});
  try {
    encoder.encode("bullish");
    ADD_FAILURE();
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown label 'bullish'; known labels: 'a', 'b', 'c'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(encoder.decode(3), IndexError);
  EXPECT_THROW(encoder.decode(-1), IndexError);
  std::vector<std::string> many;
  for (int i = 0; i < 77; ++i) many.push_back("intent_" + std::to_string(100 + i));
  try {
    LabelEncoder::fit(many).encode("x");
    ADD_FAILURE();
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("'intent_119', ... (77 in all)"), std::string::npos) << e.what();
  }
}

TEST(LabelEncoder, JsonRoundTripAndBadKeys) {
  const LabelEncoder encoder = LabelEncoder::fit({"positive", "negative", "neutral"});
  EXPECT_EQ(LabelEncoder::from_json(nlohmann::json::parse(encoder.to_json().dump())).classes, encoder.classes);
  EXPECT_THROW(LabelEncoder::from_json(nlohmann::json::object()), FileError);
  EXPECT_THROW(LabelEncoder::from_json({{"classes", nlohmann::json::array()}}), FileError);
  EXPECT_THROW(LabelEncoder::from_json({{"classes", {"a", 3}}}), FileError);
  try {
    LabelEncoder::from_json({{"classes", {"b", "a"}}});
    ADD_FAILURE();
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("key 'classes' entry 1 'a' is not after 'b'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin::text
