// .npz: round trips (stored and deflated), plus hand-built zip archives laid out
// the way numpy writes them, and damaged archives.
#include <gtest/gtest.h>
#include <zlib.h>

#include "deepfin/core/random.h"
#include "deepfin/io/npy.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::le;
using testing::TempDir;
using testing::throws_with;

struct RawMember {
  std::string name, payload;  // payload as stored (deflated or not)
  uint16_t method;
  uint32_t crc, size;
};

uint32_t crc_of(const std::string& s) {
  return static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

std::string raw_deflate(const std::string& in) {
  z_stream s{};
  deflateInit2(&s, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&s, in.size()), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

RawMember member(const std::string& name, const std::string& data, bool deflated) {
  return {name, deflated ? raw_deflate(data) : data, static_cast<uint16_t>(deflated ? 8 : 0), crc_of(data),
          static_cast<uint32_t>(data.size())};
}

// A zip archive as Python's zipfile writes np.savez output: with numpy's
// force_zip64, each local header carries 0xFFFFFFFF sizes plus a ZIP64 extra
// field, while the central directory holds the real 32-bit sizes.
std::string zip_bytes(const std::vector<RawMember>& members, bool numpy_zip64_locals = true) {
  std::string out, dir;
  for (const RawMember& m : members) {
    const uint32_t offset = static_cast<uint32_t>(out.size());
    le(out, 0x04034b50, 4);
    le(out, numpy_zip64_locals ? 45 : 20, 2);
    le(out, 0, 2);
    le(out, m.method, 2);
    le(out, 0, 2);
    le(out, 0x21, 2);
    le(out, m.crc, 4);
    le(out, numpy_zip64_locals ? 0xffffffff : m.payload.size(), 4);
    le(out, numpy_zip64_locals ? 0xffffffff : m.size, 4);
    le(out, m.name.size(), 2);
    le(out, numpy_zip64_locals ? 20 : 0, 2);
    out += m.name;
    if (numpy_zip64_locals) {
      le(out, 0x0001, 2);  // ZIP64 extended information
      le(out, 16, 2);
      le(out, m.size, 8);
      le(out, m.payload.size(), 8);
    }
    out += m.payload;

    le(dir, 0x02014b50, 4);
    le(dir, 20, 2);
    le(dir, 20, 2);
    le(dir, 0, 2);
    le(dir, m.method, 2);
    le(dir, 0, 2);
    le(dir, 0x21, 2);
    le(dir, m.crc, 4);
    le(dir, m.payload.size(), 4);
    le(dir, m.size, 4);
    le(dir, m.name.size(), 2);
    le(dir, 0, 2);
    le(dir, 0, 2);
    le(dir, 0, 2);
    le(dir, 0, 2);
    le(dir, 0, 4);
    le(dir, offset, 4);
    dir += m.name;
  }
  const uint32_t cd_offset = static_cast<uint32_t>(out.size());
  out += dir;
  le(out, 0x06054b50, 4);
  le(out, 0, 4);
  le(out, members.size(), 2);
  le(out, members.size(), 2);
  le(out, dir.size(), 4);
  le(out, cd_offset, 4);
  le(out, 0, 2);
  return out;
}

std::string npy_of(const Tensor& t, const TempDir& dir) {
  io::save_npy(dir.file("member.npy"), t);
  return testing::read_bytes(dir.file("member.npy"));
}

TEST(Npz, RoundTripStoredAndCompressed) {
  TempDir dir;
  Generator gen(3);
  const std::map<std::string, Tensor> tensors = {
      {"weights", randn({4, 5}, DType::float32, 0, 1, &gen)},
      {"bias", randn({5}, DType::float64, 0, 1, &gen)},
      {"labels", from_vector(std::vector<int64_t>{3, 1, 4, 1, 5}, {5})},
      {"scalar", scalar_tensor(2.5, DType::float64)},
      {"empty", zeros({0, 3})},
      {"zeros", zeros({64, 64})},  // compresses well: the deflated file must be smaller
  };
  for (bool compressed : {false, true}) {
    const std::string path = dir.file(compressed ? "c.npz" : "s.npz");
    io::save_npz(path, tensors, compressed);
    const auto back = io::load_npz(path);
    ASSERT_EQ(back.size(), tensors.size());
    for (const auto& [name, t] : tensors) {
      ASSERT_TRUE(back.count(name)) << name;
      EXPECT_EQ(back.at(name).dtype(), t.dtype()) << name;
      EXPECT_EQ(back.at(name).shape(), t.shape()) << name;
      EXPECT_EQ(back.at(name).to_vector<double>(), t.to_vector<double>()) << name;
    }
  }
  EXPECT_LT(std::filesystem::file_size(dir.file("c.npz")), std::filesystem::file_size(dir.file("s.npz")) / 2);
}

TEST(Npz, StoredArchiveHasStandardZipLayout) {
  TempDir dir;
  Tensor t = from_vector(std::vector<float>{1, 2, 3}, {3});
  const std::string npy = npy_of(t, dir);
  io::save_npz(dir.file("a.npz"), {{"x", t}}, false);
  const std::string bytes = testing::read_bytes(dir.file("a.npz"));
  // Local header: signature, method 0, CRC-32 and sizes of the member, its name, then the .npy bytes.
  std::string header;
  le(header, 0x04034b50, 4);
  ASSERT_GE(bytes.size(), 30 + 5 + npy.size());
  EXPECT_EQ(bytes.substr(0, 4), header);
  EXPECT_EQ(bytes.substr(8, 2), std::string("\0\0", 2));
  std::string fields;
  le(fields, crc_of(npy), 4);
  le(fields, npy.size(), 4);
  le(fields, npy.size(), 4);
  le(fields, 5, 2);
  le(fields, 0, 2);
  EXPECT_EQ(bytes.substr(14, 16), fields);
  EXPECT_EQ(bytes.substr(30, 5), "x.npy");
  EXPECT_EQ(bytes.substr(35, npy.size()), npy);
}

TEST(Npz, ReadsNumpyStyleArchivesStoredAndDeflated) {
  TempDir dir;
  Tensor a = from_vector(std::vector<double>{1.5, -2, 8}, {3});
  Tensor b = from_vector(std::vector<int64_t>{1, 2, 3, 4, 5, 6}, {2, 3});
  const std::string path = dir.file("np.npz");
  for (bool deflated : {false, true}) {
    testing::write_bytes(
        path, zip_bytes({member("a.npy", npy_of(a, dir), deflated), member("b.npy", npy_of(b, dir), deflated)}));
    const auto back = io::load_npz(path);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back.at("a").to_vector<double>(), a.to_vector<double>());
    EXPECT_EQ(back.at("b").shape(), b.shape());
    EXPECT_EQ(back.at("b").to_vector<int64_t>(), b.to_vector<int64_t>());
  }
}

TEST(Npz, RejectsZip64Archives) {
  TempDir dir;
  const std::string path = dir.file("z64.npz");
  std::string bytes = zip_bytes({member("a.npy", npy_of(ones({2}), dir), false)});
  const size_t end = bytes.size() - 22;
  std::string as_zip64 = bytes;
  as_zip64.replace(end + 16, 4, std::string(4, '\xff'));  // central directory offset 0xFFFFFFFF
  testing::write_bytes(path, as_zip64);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); }, {path, "ZIP64"}));

  std::string with_locator = bytes.substr(0, end);
  le(with_locator, 0x07064b50, 4);  // a ZIP64 end-of-directory locator before the end record
  with_locator += std::string(16, '\0') + bytes.substr(end);
  testing::write_bytes(path, with_locator);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); }, {path, "ZIP64"}));
}

TEST(Npz, DetectsCorruptionAndUnsupportedMembers) {
  TempDir dir;
  const std::string path = dir.file("bad.npz");
  const std::string npy = npy_of(arange(0, 10), dir);

  std::string flipped = zip_bytes({member("a.npy", npy, false)});
  flipped[flipped.find("NUMPY") + 100] ^= 0x40;  // a data byte
  testing::write_bytes(path, flipped);
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); }, {path, "a.npy", "CRC"}));

  RawMember bad_deflate = member("a.npy", npy, true);
  bad_deflate.payload = std::string(bad_deflate.payload.size(), '\x07');
  testing::write_bytes(path, zip_bytes({bad_deflate}));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); }, {path, "a.npy", "deflate"}));

  RawMember bzip2 = member("a.npy", npy, false);
  bzip2.method = 12;
  testing::write_bytes(path, zip_bytes({bzip2}));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); }, {path, "compression method 12"}));

  testing::write_bytes(path, zip_bytes({member("junk.npy", "not an npy file at all", false)}));
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); }, {path + ":junk.npy", "magic"}));

  testing::write_bytes(path, npy);  // a plain .npy is not an archive
  EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); }, {path, "not a zip"}));
}

TEST(Npz, RejectsTruncatedArchives) {
  TempDir dir;
  const std::string path = dir.file("cut.npz");
  io::save_npz(path, {{"a", arange(0, 50)}, {"b", ones({3, 3})}}, true);
  const std::string good = testing::read_bytes(path);
  for (size_t cut : {size_t{0}, size_t{10}, size_t{40}, good.size() / 2, good.size() - 30, good.size() - 1}) {
    testing::write_bytes(path, good.substr(0, cut));
    EXPECT_TRUE(throws_with<FileError>([&] { io::load_npz(path); }, {path})) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace deepfin
