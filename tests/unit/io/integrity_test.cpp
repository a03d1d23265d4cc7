// What a file may declare, and what corruption is caught: the model file's CRC-32
// per tensor, the header size a writer may produce, JSON nested too deep to walk,
// and compressed archives that would expand far beyond their size.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "deepfin/base/error.h"
#include "deepfin/io/json_text.h"
#include "deepfin/io/npy.h"
#include "deepfin/io/safetensors.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::TempDir;
using testing::throws_with;

// A version 1.0 .npy preamble and header dictionary, as numpy lays them out (unpadded).
std::string npy_header(const std::string& dict) {
  std::string bytes = "\x93NUMPY\x01";
  bytes.push_back('\0');
  testing::le(bytes, dict.size() + 1, 2);
  return bytes + dict + "\n";
}

uint64_t header_length(const std::string& bytes) {
  uint64_t n;
  std::memcpy(&n, bytes.data(), 8);
  return n;
}

TEST(ModelFileChecksum, AFlippedBitInATensorIsNamed) {
  TempDir dir;
  const std::string path = dir.file("m.safetensors");
  io::save_safetensors(path, {{"a", ones({4})}, {"b", from_vector(std::vector<float>{1, 2, 3}, {3})}});
  std::string bytes = testing::read_bytes(path);
  const uint64_t data_start = 8 + header_length(bytes);
  bytes[data_start + 16 + 5] ^= 0x10;  // inside tensor "b" (a: 16 bytes, then b)
  testing::write_bytes(path, bytes);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_safetensors(path); },
                                     {"m.safetensors", "tensor 'b' is corrupt", "CRC-32"}));
}

TEST(ModelFileChecksum, FilesFromOtherWritersHaveNoneAndLoad) {
  TempDir dir;
  const std::string header = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  std::string bytes;
  testing::le(bytes, header.size(), 8);
  const float one = 1;
  testing::write_bytes(dir.file("t.safetensors"), bytes + header + testing::raw(one));
  EXPECT_EQ(io::load_safetensors(dir.file("t.safetensors")).tensors.at(0).second.item(), 1.0);
}

TEST(ModelFileChecksum, AChecksumTableThatDoesNotMatchTheTensorsIsRefused) {
  TempDir dir;
  const std::string header =
      // The metadata's own CRC is that of nothing (it holds no other entry): 00000000.
      R"({"__metadata__":{"deepfin_crc32":"{\"__metadata__\":\"00000000\",\"other\":\"00000000\"}"},)"
      R"("w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  std::string bytes;
  testing::le(bytes, header.size(), 8);
  const float one = 1;
  testing::write_bytes(dir.file("t.safetensors"), bytes + header + testing::raw(one));
  EXPECT_TRUE(
      throws_with<FileError>([&] { io::load_safetensors(dir.file("t.safetensors")); }, {"tensor 'w' has no checksum"}));
  EXPECT_TRUE(throws_with<ValueError>(
      [&] {
        io::save_safetensors(dir.file("u.safetensors"), {}, {{"deepfin_crc32", "x"}});
      },
      {"reserved"}));
}

TEST(ModelFileChecksum, AnEditedMetadataValueIsCaught) {
  // A decision threshold or a scaler is as much the model as a weight.
  TempDir dir;
  const std::string path = dir.file("m.safetensors");
  io::save_safetensors(path, {{"w", ones({2})}}, {{"threshold", "0.35"}});
  std::string bytes = testing::read_bytes(path);
  const size_t at = bytes.find("0.35");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 2] = '9';  // 0.95: same length, so every offset still holds
  testing::write_bytes(path, bytes);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_safetensors(path); },
                                     {"m.safetensors", "metadata", "corrupt or was edited"}));
}

TEST(ModelFileHeader, TheWriterRefusesWhatReadersWouldRefuse) {
  TempDir dir;
  const std::string path = dir.file("big.safetensors");
  const std::string huge(101u << 20, 'x');  // over the 100 MiB header limit of safetensors readers
  EXPECT_TRUE(throws_with<ValueError>(
      [&] {
        io::save_safetensors(path, {{"w", ones({1})}}, {{"tabular", huge}});
      },
      {"big.safetensors", "100", "largest metadata entry is 'tabular'"}));
  EXPECT_TRUE(dir.entries().empty());  // nothing half-written
}

TEST(JsonText, NestingBeyondTheLimitIsAnErrorNotAStackOverflow) {
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  EXPECT_TRUE(throws_with<FileError>([&] { io::parse_json_text(deep, "metadata 'tabular'"); },
                                     {"metadata 'tabular'", "nests more than 256 levels"}));
  const std::string ok = std::string(100, '[') + std::string(100, ']');
  EXPECT_TRUE(io::parse_json_text(ok, "x").is_array());
  EXPECT_TRUE(throws_with<FileError>([&] { io::parse_json_text("{\"a\": ", "here"); }, {"here", "not valid JSON"}));
}

TEST(Npz, ADecompressionBombIsRefusedWithTheRatio) {
  TempDir dir;
  const std::string path = dir.file("bomb.npz");
  io::save_npz(path, {{"x", zeros({5 << 20})}}, /*compressed=*/true);  // 20 MiB of zeros, ~1000:1
  EXPECT_LT(std::filesystem::file_size(path), 100000u);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); },
                                     {"bomb.npz:x.npy", "(a decompression bomb?)", "DEEPFIN_MAX_INFLATE_RATIO"}));
  ::setenv("DEEPFIN_MAX_INFLATE_RATIO", "5000", 1);
  EXPECT_EQ(io::load_npz(path).at("x").numel(), 5 << 20);
  ::unsetenv("DEEPFIN_MAX_INFLATE_RATIO");
  // Small members compress as well as they like.
  io::save_npz(dir.file("small.npz"), {{"x", zeros({1000})}}, true);
  EXPECT_EQ(io::load_npz(dir.file("small.npz")).at("x").numel(), 1000);
}

// Found by fuzzing: a zero dimension let the element count pass as 0, and the
// strides of the remaining dimensions then overflowed int64 (UBSan).
TEST(DeclaredShapes, AZeroDimensionDoesNotHideDimensionsThatOverflow) {
  TempDir dir;
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5555555555555552, 5555555555), }";
  testing::write_bytes(dir.file("z.npy"), npy_header(dict));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(dir.file("z.npy")); },
                                     {"z.npy", "declared shape (0, 5555555555555552, 5555555555) is too large"}));
  EXPECT_THROW(Tensor::empty({0, int64_t{1} << 62, int64_t{1} << 62}), ValueError);
  EXPECT_EQ(Tensor::empty({0, 3}).numel(), 0);  // an ordinary empty array is still fine
}

// Found by fuzzing: a metadata value that is not UTF-8 made the JSON writer throw
// its own exception, which the command line calls an internal error.
TEST(ModelFileHeader, MetadataThatIsNotUtf8IsAValueError) {
  TempDir dir;
  EXPECT_TRUE(throws_with<ValueError>(
      [&] {
        io::save_safetensors(dir.file("m.safetensors"), {{"w", ones({1})}}, {{"note", "caf\xe9"}});
      },
      {"m.safetensors", "not valid UTF-8"}));
  EXPECT_TRUE(dir.entries().empty());
}

// Sizes declared in a header are checked against the file before anything that size is allocated.
TEST(DeclaredShapes, HeadersThatDeclareMoreThanTheFileHoldsFailFast) {
  TempDir dir;
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }";
  testing::write_bytes(dir.file("big.npy"), npy_header(dict) + std::string(8, '\0'));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(dir.file("big.npy")); },
                                     {"big.npy", "truncated", "8000000000000 data bytes"}));
  std::string idx = std::string("\0\0\x08\x02", 4);
  testing::be(idx, 0x7fffffff, 4);
  testing::be(idx, 0x7fffffff, 4);
  testing::write_bytes(dir.file("big.idx"), idx + std::string(10, '\0'));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_idx(dir.file("big.idx")); }, {"big.idx", "too large"}));
  std::string negative = std::string("\0\0\x08\x01", 4);
  testing::be(negative, 0x80000000u, 4);
  testing::write_bytes(dir.file("neg.idx"), negative);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_idx(dir.file("neg.idx")); }, {"neg.idx", "negative"}));
}

TEST(ModelFileHeader, AHeaderThatIsNotUtf8IsNamed) {
  TempDir dir;
  const std::string header = "{\"w\xff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
  std::string bytes;
  testing::le(bytes, header.size(), 8);
  testing::write_bytes(dir.file("u.safetensors"), bytes + header + std::string(4, '\0'));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_safetensors(dir.file("u.safetensors")); },
                                     {"u.safetensors", "not valid JSON"}));
  // The same inside an attachment's text (the header is one JSON document).
  const std::string attachment = "{\"__metadata__\":{\"tabular\":\"{\\\"a\\\":\\\"\xff\\\"}\"}}";
  std::string with_attachment;
  testing::le(with_attachment, attachment.size(), 8);
  testing::write_bytes(dir.file("a.safetensors"), with_attachment + attachment);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_safetensors(dir.file("a.safetensors")); },
                                     {"a.safetensors", "not valid JSON"}));
}

}  // namespace
}  // namespace deepfin
