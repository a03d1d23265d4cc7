// IDX (MNIST format): gzipped and plain files written by the test through zlib.
#include "deepfin/io/idx.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>

#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::be;
using testing::TempDir;
using testing::throws_with;

std::string idx_header(uint8_t type, const std::vector<uint32_t>& dims) {
  std::string out = {'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims) be(out, d, 4);
  return out;
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(f);
}

TEST(Idx, GzippedUbyteImagesRoundTrip) {
  TempDir dir;
  // 3 images of 4x5; pixel (n, r, c) = 20n + 5r + c + 190 (wraps past 255 to test unsignedness).
  std::string data;
  for (int n = 0; n < 3; ++n)
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 5; ++c) data.push_back(static_cast<char>((20 * n + 5 * r + c + 190) % 256));
  write_gz(dir.file("img.gz"), idx_header(0x08, {3, 4, 5}) + data);
  for (DType out : {DType::float32, DType::float64, DType::int64}) {
    Tensor t = io::load_idx(dir.file("img.gz"), out);
    EXPECT_EQ(t.dtype(), out);
    ASSERT_EQ(t.shape(), (Shape{3, 4, 5}));
    for (int64_t n = 0; n < 3; ++n)
      for (int64_t r = 0; r < 4; ++r)
        for (int64_t c = 0; c < 5; ++c) EXPECT_EQ(t.at({n, r, c}), (20 * n + 5 * r + c + 190) % 256);
  }
  Tensor first = io::load_idx(dir.file("img.gz"), DType::float32, 2);
  EXPECT_EQ(first.shape(), (Shape{2, 4, 5}));
  EXPECT_EQ(first.at({1, 3, 4}), (20 + 15 + 4 + 190) % 256);
}

TEST(Idx, PlainFilesAndEveryElementType) {
  TempDir dir;
  const std::string path = dir.file("plain.idx");
  testing::write_bytes(path, idx_header(0x09, {3}) + std::string("\xff\x05\x80", 3));
  EXPECT_EQ(io::load_idx(path, DType::int64).to_vector<int64_t>(), (std::vector<int64_t>{-1, 5, -128}));

  std::string shorts;
  be(shorts, static_cast<uint16_t>(-300), 2);
  be(shorts, 1000, 2);
  testing::write_bytes(path, idx_header(0x0B, {2}) + shorts);
  EXPECT_EQ(io::load_idx(path, DType::int64).to_vector<int64_t>(), (std::vector<int64_t>{-300, 1000}));

  std::string ints;
  be(ints, static_cast<uint32_t>(-70000), 4);
  be(ints, 123456789, 4);
  write_gz(path, idx_header(0x0C, {1, 2}) + ints);
  EXPECT_EQ(io::load_idx(path, DType::int64).to_vector<int64_t>(), (std::vector<int64_t>{-70000, 123456789}));

  std::string floats;
  uint32_t bits;
  for (float f : {1.25f, -3.5f}) {
    std::memcpy(&bits, &f, 4);
    be(floats, bits, 4);
  }
  testing::write_bytes(path, idx_header(0x0D, {2}) + floats);
  EXPECT_EQ(io::load_idx(path).to_vector<float>(), (std::vector<float>{1.25f, -3.5f}));

  std::string doubles;
  uint64_t dbits;
  const double d = 0.1;
  std::memcpy(&dbits, &d, 8);
  be(doubles, dbits, 8);
  testing::write_bytes(path, idx_header(0x0E, {1}) + doubles);
  EXPECT_EQ(io::load_idx(path, DType::float64).to_vector<double>(), (std::vector<double>{0.1}));
  EXPECT_TRUE(throws_with<DTypeError>([&] { io::load_idx(path, DType::int64); }, {"load_idx", path}));
}

TEST(Idx, RejectsBadMagicTruncationAndMismatchedDims) {
  TempDir dir;
  const std::string path = dir.file("bad.gz");
  const std::string good = idx_header(0x08, {2, 3}) + std::string(6, '\x11');

  std::string bad = good;
  bad[0] = 1;
  write_gz(path, bad);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_idx(path); }, {path, "magic"}));
  bad = good;
  bad[2] = 7;
  write_gz(path, bad);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_idx(path); }, {path, "magic", "0x07"}));

  for (size_t cut : {size_t{0}, size_t{3}, size_t{6}, size_t{11}, good.size() - 1}) {
    write_gz(path, good.substr(0, cut));
    EXPECT_TRUE(throws_with<FileError>([&] { io::load_idx(path); }, {path, "truncated"})) << "cut at " << cut;
  }
  write_gz(path, good + "\x01");
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_idx(path); }, {path, "do not match"}));
}

TEST(Idx, RejectsDamagedGzipStreams) {
  TempDir dir;
  const std::string path = dir.file("damaged.gz");
  std::string data;
  for (int i = 0; i < 4000; ++i) data.push_back(static_cast<char>(i * 7919 % 251));
  write_gz(path, idx_header(0x08, {4000}) + data);
  const std::string gz = testing::read_bytes(path);
  testing::write_bytes(path, gz.substr(0, gz.size() / 2));  // the gzip stream ends early
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_idx(path); }, {path}));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_idx(dir.file("missing.gz")); }, {dir.file("missing.gz")}));
}

}  // namespace
}  // namespace deepfin
