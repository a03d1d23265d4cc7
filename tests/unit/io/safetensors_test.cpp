// safetensors: round trips, a byte-exact hand-built file, and every corrupted-header case.
#include "deepfin/io/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "deepfin/core/random.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::le;
using testing::TempDir;
using testing::throws_with;

// A file from a header JSON text and a data section, as the spec lays it out.
std::string st_bytes(const std::string& header, const std::string& data) {
  std::string out;
  le(out, header.size(), 8);
  return out + header + data;
}

// A JSON object from "key": value members, joined by appending (no string insertions).
std::string obj(std::initializer_list<std::string> members) {
  std::string out = "{";
  for (const std::string& m : members) {
    if (out.size() > 1) out += ",";
    out += m;
  }
  out += "}";
  return out;
}

std::string floats(std::initializer_list<float> values) {
  std::string out;
  for (float v : values) out += testing::raw(v);
  return out;
}

TEST(Safetensors, RoundTripKeepsOrderDtypesAndMetadata) {
  TempDir dir;
  Generator gen(11);
  const std::vector<std::pair<std::string, Tensor>> tensors = {
      {"layers/dense/kernel", randn({3, 4}, DType::float32, 0, 1, &gen)},
      {"layers/dense/bias", randn({4}, DType::float64, 0, 1, &gen)},
      {"a_step", from_vector(std::vector<int64_t>{42}, {1})},
      {"scalar", scalar_tensor(-1.5)},
      {"empty", zeros({0, 2})},
      {"strided", arange(0, 12).reshape({3, 4}).transpose(0, 1)},
  };
  const std::map<std::string, std::string> metadata = {{"format", "deepfin"}, {"config", R"({"class_name": "X"})"}};
  const std::string path = dir.file("model.safetensors");
  io::save_safetensors(path, tensors, metadata);

  // The header is 8-byte aligned (spec) and space padded.
  const std::string bytes = testing::read_bytes(path);
  uint64_t n;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(bytes[8], '{');

  const io::SafetensorsFile file = io::load_safetensors(path);
  EXPECT_EQ(file.metadata, metadata);
  ASSERT_EQ(file.tensors.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(file.tensors[i].first, tensors[i].first);
    EXPECT_EQ(file.tensors[i].second.dtype(), tensors[i].second.dtype());
    EXPECT_EQ(file.tensors[i].second.shape(), tensors[i].second.shape());
    EXPECT_EQ(file.tensors[i].second.to_vector<double>(), tensors[i].second.to_vector<double>());
  }
}

TEST(Safetensors, ReadsAHandBuiltFileInOffsetOrder) {
  TempDir dir;
  // Keys in the JSON are not in data order: "b" comes first in the data section.
  const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
                             R"("b":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}})";
  const std::string path = dir.file("h.safetensors");
  testing::write_bytes(path, st_bytes(header, floats({1, 2, 3, 4})));
  const io::SafetensorsFile f = io::load_safetensors(path);
  ASSERT_EQ(f.tensors.size(), 2u);
  EXPECT_EQ(f.tensors[0].first, "b");
  EXPECT_EQ(f.tensors[0].second.shape(), (Shape{1, 2}));
  EXPECT_EQ(f.tensors[0].second.to_vector<float>(), (std::vector<float>{1, 2}));
  EXPECT_EQ(f.tensors[1].first, "a");
  EXPECT_EQ(f.tensors[1].second.to_vector<float>(), (std::vector<float>{3, 4}));
  EXPECT_EQ(f.metadata.at("k"), "v");
}

// F16 and BF16, as other writers store weights, widen to float32 exactly: signs, the largest
// half, subnormals, infinity, and bfloat16 as the top half of a float32.
TEST(Safetensors, SixteenBitFloatsWidenExactly) {
  TempDir dir;
  std::string data;
  for (uint16_t h : {0x3C00, 0xC100, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3555}) le(data, h, 2);  // F16
  for (uint16_t h : {0x3F80, 0xC020, 0x4049, 0x0001}) le(data, h, 2);                          // BF16
  const std::string header = R"({"h":{"dtype":"F16","shape":[7],"data_offsets":[0,14]},)"
                             R"("b":{"dtype":"BF16","shape":[2,2],"data_offsets":[14,22]}})";
  const std::string path = dir.file("half.safetensors");
  testing::write_bytes(path, st_bytes(header, data));
  const io::SafetensorsFile f = io::load_safetensors(path);
  ASSERT_EQ(f.tensors.size(), 2u);
  EXPECT_EQ(f.tensors[0].second.dtype(), DType::float32);
  const std::vector<float> h = f.tensors[0].second.to_vector<float>();
  EXPECT_EQ(h[0], 1.0f);
  EXPECT_EQ(h[1], -2.5f);
  EXPECT_EQ(h[2], 65504.0f);               // the largest half
  EXPECT_EQ(h[3], std::ldexp(1.0f, -24));  // the smallest subnormal
  EXPECT_TRUE(h[4] == 0.0f && std::signbit(h[4]));
  EXPECT_TRUE(std::isinf(h[5]) && h[5] > 0);
  EXPECT_EQ(h[6], 1365.0f / 4096.0f);  // 0x3555: (1 + 341/1024) / 4, the half nearest 1/3
  EXPECT_EQ(f.tensors[1].second.shape(), (Shape{2, 2}));
  const std::vector<float> b = f.tensors[1].second.to_vector<float>();
  EXPECT_EQ(b[0], 1.0f);
  EXPECT_EQ(b[1], -2.5f);
  EXPECT_EQ(b[2], 3.140625f);               // 0x4049: bfloat16's pi
  EXPECT_EQ(b[3], std::ldexp(1.0f, -133));  // a float32 subnormal
}

TEST(Safetensors, WriterOutputParsesAsSpecJson) {
  TempDir dir;
  const std::string path = dir.file("w.safetensors");
  io::save_safetensors(path, {{"w", from_vector(std::vector<float>{1, 2, 3}, {3})}}, {{"format", "pt"}});
  const std::string bytes = testing::read_bytes(path);
  uint64_t n;
  std::memcpy(&n, bytes.data(), 8);
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  EXPECT_EQ(header["w"]["dtype"], "F32");
  EXPECT_EQ(header["w"]["shape"], nlohmann::json::array({3}));
  EXPECT_EQ(header["w"]["data_offsets"], nlohmann::json::array({0, 12}));
  EXPECT_EQ(header["__metadata__"]["format"], "pt");
  EXPECT_EQ(bytes.substr(8 + n), floats({1, 2, 3}));
}

TEST(Safetensors, RejectsCorruptHeaders) {
  TempDir dir;
  const std::string path = dir.file("bad.safetensors");
  const std::string data = floats({1, 2, 3, 4});
  auto expect_error = [&](const std::string& bytes, std::initializer_list<std::string> words) {
    testing::write_bytes(path, bytes);
    EXPECT_TRUE(throws_with<FileError>([&] { io::load_safetensors(path); }, words));
  };
  auto entry = [](const char* name, const char* dtype, const char* shape, const char* offsets) {
    return std::string("\"") + name + R"(":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":)" +
           offsets + "}";
  };

  expect_error("1234", {path, "too short"});
  std::string huge;
  le(huge, 1000, 8);
  expect_error(huge + "{}", {path, "header length 1000"});
  std::string absurd;
  le(absurd, uint64_t{1} << 40, 8);
  expect_error(absurd + "{}", {path, "limit"});
  expect_error(st_bytes(R"({"a":{"dtype":"F32",)", data), {path, "JSON"});
  expect_error(st_bytes("[1, 2]", data), {path, "not an object"});
  expect_error(st_bytes(obj({entry("a", "F32", "[4]", "[0, 20]")}), data), {path, "'a'", "outside"});
  expect_error(st_bytes(obj({entry("a", "F32", "[3]", "[0, 16]")}), data), {path, "'a'", "needs 12"});
  expect_error(st_bytes(obj({entry("a", "F32", "[2]", "[8, 0]")}), data), {path, "'a'", "reversed"});
  expect_error(st_bytes(obj({entry("a", "F32", "[4]", "[0, 16]"), entry("b", "F32", "[2]", "[8, 16]")}), data),
               {path, "overlap"});
  expect_error(st_bytes(obj({entry("a", "F32", "[2]", "[8, 16]")}), data), {path, "'a'", "gap"});
  expect_error(st_bytes(obj({entry("a", "F32", "[2]", "[0, 8]")}), data), {path, "cover"});
  expect_error(st_bytes(obj({entry("a", "F8_E4M3", "[16]", "[0, 16]")}), data), {path, "'a'", "F8_E4M3", "BF16"});
  expect_error(st_bytes(obj({entry("a", "F16", "[4]", "[0, 16]")}), data), {path, "'a'", "F16", "needs 8"});
  expect_error(st_bytes(obj({entry("a", "F32", "[-4]", "[0, 16]")}), data), {path, "'a'", "shape"});
  expect_error(st_bytes(obj({entry("a", "F32", "[4]", "[0]")}), data), {path, "'a'", "data_offsets"});
  expect_error(st_bytes(R"({"a":{"shape":[4],"data_offsets":[0,16]}})", data), {path, "'a'", "dtype"});
  expect_error(st_bytes(R"({"__metadata__":{"k":1}})", ""), {path, "metadata"});
}

TEST(Safetensors, RejectsTruncatedFiles) {
  TempDir dir;
  const std::string path = dir.file("cut.safetensors");
  io::save_safetensors(path, {{"a", ones({10})}, {"b", ones({2, 2}, DType::float64)}}, {});
  const std::string good = testing::read_bytes(path);
  for (size_t cut : {size_t{0}, size_t{7}, size_t{8}, size_t{30}, good.size() - 8, good.size() - 1}) {
    testing::write_bytes(path, good.substr(0, cut));
    EXPECT_TRUE(throws_with<FileError>([&] { io::load_safetensors(path); }, {path})) << "cut at " << cut;
  }
}

TEST(Safetensors, WriterRejectsBadNamesAndKeepsOldFile) {
  TempDir dir;
  const std::string path = dir.file("m.safetensors");
  io::save_safetensors(path, {{"a", ones({2})}}, {});
  const std::string before = testing::read_bytes(path);
  EXPECT_TRUE(throws_with<ValueError>(
      [&] {
        io::save_safetensors(path, {{"a", ones({1})}, {"a", ones({1})}});
      },
      {"save_safetensors", "duplicate", "'a'"}));
  EXPECT_TRUE(throws_with<ValueError>(
      [&] {
        io::save_safetensors(path, {{"__metadata__", ones({1})}});
      },
      {"reserved"}));
  EXPECT_EQ(testing::read_bytes(path), before);
  EXPECT_EQ(dir.entries().size(), 1u);  // no temporary file left behind
}

}  // namespace
}  // namespace deepfin
