// .npy: round trips through save_npy, and hand-built byte fixtures (big-endian,
// Fortran order, every dtype, format 2.0/3.0) so the reader is not only tested
// against its own writer.
#include "deepfin/io/npy.h"

#include <gtest/gtest.h>

#include <cstring>

#include "deepfin/core/random.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::raw;
using testing::TempDir;
using testing::throws_with;

// A .npy image as numpy lays it out: magic, version, header length, the dict
// padded with spaces to a 64-byte boundary and ended by '\n', then `data`.
std::string npy_bytes(const std::string& descr, bool fortran, const std::string& shape, const std::string& data,
                      int major = 1) {
  std::string dict =
      "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  const size_t preamble = major == 1 ? 10 : 12;
  while ((preamble + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  testing::le(out, dict.size(), major == 1 ? 2 : 4);
  return out + dict + data;
}

template <class T>
std::string big_endian(std::initializer_list<T> values) {
  std::string out;
  for (T v : values) {
    std::string b = raw(v);
    std::reverse(b.begin(), b.end());
    out += b;
  }
  return out;
}

template <class T>
std::string little_endian(std::initializer_list<T> values) {
  std::string out;
  for (T v : values) out += raw(v);
  return out;
}

TEST(Npy, RoundTripEveryDtypeAndShape) {
  TempDir dir;
  Generator gen(7);
  const std::vector<Shape> shapes = {{}, {0}, {1}, {5}, {2, 3}, {3, 1, 4}, {2, 0, 3}};
  for (DType dtype : {DType::float32, DType::float64, DType::int64}) {
    for (const Shape& shape : shapes) {
      Tensor t = randn(shape, DType::float64, 0.0, 100.0, &gen).to(dtype);
      const std::string path = dir.file("a.npy");
      io::save_npy(path, t);
      Tensor back = io::load_npy(path);
      EXPECT_EQ(back.dtype(), dtype);
      EXPECT_EQ(back.shape(), shape);
      EXPECT_EQ(back.to_vector<double>(), t.to_vector<double>()) << dtype_name(dtype) << shape_str(shape);
    }
  }
}

TEST(Npy, SavesStridedViewsInLogicalOrder) {
  TempDir dir;
  Tensor base = arange(0, 24, 1, DType::float32).reshape({4, 6});
  for (const Tensor& view : {base.transpose(0, 1), base.slice(1, 0, 6, 2), base.slice(0, 1, 4, 2).transpose(0, 1)}) {
    io::save_npy(dir.file("v.npy"), view);
    Tensor back = io::load_npy(dir.file("v.npy"));
    EXPECT_EQ(back.shape(), view.shape());
    EXPECT_EQ(back.to_vector<float>(), view.to_vector<float>());
  }
}

TEST(Npy, WriterProducesNumpysExactLayout) {
  TempDir dir;
  Tensor t = from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, {2, 3});
  io::save_npy(dir.file("t.npy"), t);
  const std::string expected = npy_bytes("<f4", false, "(2, 3)", little_endian<float>({1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(testing::read_bytes(dir.file("t.npy")), expected);

  io::save_npy(dir.file("v.npy"), from_vector(std::vector<int64_t>{7, -8}, {2}));
  EXPECT_EQ(testing::read_bytes(dir.file("v.npy")), npy_bytes("<i8", false, "(2,)", little_endian<int64_t>({7, -8})));
}

TEST(Npy, ReadsBigEndianFloatsAndInts) {
  TempDir dir;
  testing::write_bytes(dir.file("f8.npy"), npy_bytes(">f8", false, "(3,)", big_endian<double>({1.5, -2.25, 3e10})));
  Tensor f8 = io::load_npy(dir.file("f8.npy"));
  EXPECT_EQ(f8.dtype(), DType::float64);
  EXPECT_EQ(f8.to_vector<double>(), (std::vector<double>{1.5, -2.25, 3e10}));

  testing::write_bytes(dir.file("f4.npy"), npy_bytes(">f4", false, "(2,)", big_endian<float>({0.25f, -7.0f})));
  EXPECT_EQ(io::load_npy(dir.file("f4.npy")).to_vector<float>(), (std::vector<float>{0.25f, -7.0f}));

  testing::write_bytes(dir.file("i4.npy"), npy_bytes(">i4", false, "(2,)", big_endian<int32_t>({-70000, 123456})));
  Tensor i4 = io::load_npy(dir.file("i4.npy"));
  EXPECT_EQ(i4.dtype(), DType::int64);
  EXPECT_EQ(i4.to_vector<int64_t>(), (std::vector<int64_t>{-70000, 123456}));
}

TEST(Npy, FortranOrderBecomesCContiguous) {
  TempDir dir;
  // C-order matrix [[0, 1, 2], [3, 4, 5]] stored column by column.
  testing::write_bytes(dir.file("f.npy"), npy_bytes("<f4", true, "(2, 3)", little_endian<float>({0, 3, 1, 4, 2, 5})));
  Tensor t = io::load_npy(dir.file("f.npy"));
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{0, 1, 2, 3, 4, 5}));

  // 3-D, big-endian int16: element (i, j, k) = 100i + 10j + k sits at i + 2j + 6k.
  std::vector<int16_t> column_major(2 * 3 * 4);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) column_major[i + 2 * j + 6 * k] = static_cast<int16_t>(100 * i + 10 * j + k);
  std::string data;
  for (int16_t v : column_major) data += big_endian<int16_t>({v});
  testing::write_bytes(dir.file("f3.npy"), npy_bytes(">i2", true, "(2, 3, 4)", data));
  Tensor t3 = io::load_npy(dir.file("f3.npy"));
  ASSERT_EQ(t3.shape(), (Shape{2, 3, 4}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k) EXPECT_EQ(t3.at({i, j, k}), 100 * i + 10 * j + k);
}

TEST(Npy, IntegerAndBoolDtypesLoadAsInt64) {
  TempDir dir;
  struct Case {
    std::string descr, data;
    std::vector<int64_t> expected;
  };
  const std::vector<Case> cases = {
      {"|i1", little_endian<int8_t>({-128, 5, 127}), {-128, 5, 127}},
      {"|u1", little_endian<uint8_t>({0, 200, 255}), {0, 200, 255}},
      {"<i2", little_endian<int16_t>({-300, 0, 32767}), {-300, 0, 32767}},
      {">u2", big_endian<uint16_t>({1, 256, 65535}), {1, 256, 65535}},
      {"<u4", little_endian<uint32_t>({0, 1, 4000000000u}), {0, 1, 4000000000LL}},
      {"<i8", little_endian<int64_t>({-5, 1LL << 40, 3}), {-5, 1LL << 40, 3}},
      {">u8", big_endian<uint64_t>({9, 1ULL << 62, 0}), {9, 1LL << 62, 0}},
      {"|b1", std::string("\x00\x01\x01", 3), {0, 1, 1}},
  };
  for (const Case& c : cases) {
    testing::write_bytes(dir.file("i.npy"), npy_bytes(c.descr, false, "(3,)", c.data));
    Tensor t = io::load_npy(dir.file("i.npy"));
    EXPECT_EQ(t.dtype(), DType::int64) << c.descr;
    EXPECT_EQ(t.to_vector<int64_t>(), c.expected) << c.descr;
  }
}

TEST(Npy, HalfFloatsLoadAsFloat32) {
  TempDir dir;
  // 1.0, -2.0, 0.5, 65504 (max half), 2^-24 (smallest subnormal), +inf.
  const std::string data = little_endian<uint16_t>({0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x7C00});
  testing::write_bytes(dir.file("h.npy"), npy_bytes("<f2", false, "(6,)", data));
  Tensor t = io::load_npy(dir.file("h.npy"));
  EXPECT_EQ(t.dtype(), DType::float32);
  const std::vector<float> v = t.to_vector<float>();
  EXPECT_EQ(v[0], 1.0f);
  EXPECT_EQ(v[1], -2.0f);
  EXPECT_EQ(v[2], 0.5f);
  EXPECT_EQ(v[3], 65504.0f);
  EXPECT_EQ(v[4], std::ldexp(1.0f, -24));
  EXPECT_TRUE(std::isinf(v[5]) && v[5] > 0);
}

TEST(Npy, ReadsFormatVersions2And3) {
  TempDir dir;
  for (int major : {2, 3}) {
    testing::write_bytes(dir.file("v.npy"), npy_bytes("<f8", false, "(2,)", little_endian<double>({4.5, -1}), major));
    EXPECT_EQ(io::load_npy(dir.file("v.npy")).to_vector<double>(), (std::vector<double>{4.5, -1})) << major;
  }
}

TEST(Npy, RejectsUnsupportedDtypesNamingThem) {
  TempDir dir;
  const std::string path = dir.file("bad.npy");
  for (const std::string descr : {"|O", "<U10", "<c8", "|S4", "<M8", "<f16"}) {
    testing::write_bytes(path, npy_bytes(descr, false, "(1,)", std::string(16, '\0')));
    EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path, "unsupported dtype", descr})) << descr;
  }
  // Structured arrays have a list as 'descr'.
  std::string structured = npy_bytes("<f4", false, "(1,)", std::string(4, '\0'));
  structured.replace(structured.find("'<f4'"), 5, "[('a','<f4')]");
  testing::write_bytes(path, structured);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path, "unsupported dtype"}));
}

TEST(Npy, RejectsBadMagicVersionAndHeader) {
  TempDir dir;
  const std::string path = dir.file("bad.npy");
  const std::string good = npy_bytes("<f4", false, "(2,)", little_endian<float>({1, 2}));

  std::string bad_magic = good;
  bad_magic[1] = 'X';
  testing::write_bytes(path, bad_magic);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path, "magic"}));

  std::string bad_version = good;
  bad_version[6] = 9;
  testing::write_bytes(path, bad_version);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path, "version 9"}));

  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"'shape': (2,)", "'shape': (2,"},  // unterminated tuple
                                                        {"'fortran_order': False", "'fortran_order': Nope"},
                                                        {"'descr'", "'dtype'"},               // unknown key
                                                        {"'shape': (2,)", "'shape': (-2,)"},  // negative dimension
                                                        {"{'descr'", "['descr'"}}) {
    std::string bad = good;
    bad.replace(bad.find(from), from.size(), to);
    testing::write_bytes(path, bad);
    EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path, "header"})) << to;
  }
}

TEST(Npy, RejectsTruncationAtEveryStage) {
  TempDir dir;
  const std::string path = dir.file("cut.npy");
  const std::string good = npy_bytes("<f8", false, "(3,)", little_endian<double>({1, 2, 3}));
  // Cuts inside the magic, the version, the header length, the header dict and the data.
  for (size_t cut : {size_t{0}, size_t{3}, size_t{7}, size_t{9}, size_t{40}, size_t{64}, good.size() - 1}) {
    testing::write_bytes(path, good.substr(0, cut));
    EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path})) << "cut at " << cut;
  }
  testing::write_bytes(path, good.substr(0, good.size() - 4));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path, "truncated"}));
  testing::write_bytes(path, good + "xx");
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path, "unexpected bytes"}));
}

TEST(Npy, MissingFileNamesThePath) {
  TempDir dir;
  const std::string path = dir.file("nope.npy");
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npy(path); }, {path}));
}

}  // namespace
}  // namespace deepfin
