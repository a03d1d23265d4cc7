#include "io/zip_archive.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "deepfin/base/error.h"

namespace deepfin::io::detail {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr uint16_t kStored = 0;
constexpr uint16_t kDeflated = 8;
constexpr size_t kEndRecordSize = 22;
// 1980-01-01 00:00, the earliest DOS date: written archives are byte-for-byte reproducible.
constexpr uint16_t kDosTime = 0;
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;

uint32_t crc_of(const std::string& data) {
  return static_cast<uint32_t>(
      crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::string deflate_raw(const std::string& in) {
  z_stream s{};
  if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&s, static_cast<uLong>(in.size())), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&s, Z_FINISH);
  const size_t produced = s.total_out;
  deflateEnd(&s);
  if (rc != Z_STREAM_END) throw Error("zlib: deflate did not finish");
  out.resize(produced);
  return out;
}

// Highest compression ratio accepted for members that inflate past kRatioFreeBytes.
// Real arrays compress up to a few tens to one (one-hot labels); 1000:1 is a
// block of zeros or a decompression bomb. DEEPFIN_MAX_INFLATE_RATIO overrides it.
constexpr uint64_t kRatioFreeBytes = uint64_t{16} << 20;
constexpr double kDefaultMaxRatio = 200;

double max_inflate_ratio() {
  const char* env = std::getenv("DEEPFIN_MAX_INFLATE_RATIO");
  if (!env || !*env) return kDefaultMaxRatio;
  char* end = nullptr;
  const double v = std::strtod(env, &end);
  if (!end || *end != '\0' || !(v >= 1))
    throw ConfigError(fmt::format("DEEPFIN_MAX_INFLATE_RATIO must be a number >= 1, got '{}'", env));
  return v;
}

std::string inflate_raw(const unsigned char* in, size_t in_size, size_t out_size, const std::string& where) {
  z_stream s{};
  // Deflate cannot compress better than 1032:1; a larger claimed size is a
  // corrupt (or hostile) directory entry, refused before allocating for it.
  if (out_size > in_size * 1032 + 1024)
    throw FileError(
        fmt::format("{}: corrupt zip entry: {} compressed bytes cannot inflate to {}", where, in_size, out_size));
  if (const double ratio = static_cast<double>(out_size) / static_cast<double>(std::max<size_t>(in_size, 1));
      out_size > kRatioFreeBytes && ratio > max_inflate_ratio())
    throw FileError(fmt::format(
        "{}: zip entry declares {} bytes from {} compressed ({:.0f}:1), over the {:.0f}:1 accepted for entries above "
        "{} MiB (a decompression bomb?); set DEEPFIN_MAX_INFLATE_RATIO to accept it",
        where, out_size, in_size, ratio, max_inflate_ratio(), kRatioFreeBytes >> 20));
  if (inflateInit2(&s, -MAX_WBITS) != Z_OK) throw FileError(fmt::format("{}: zlib inflateInit2 failed", where));
  std::string out(out_size, '\0');
  s.next_in = const_cast<Bytef*>(in);
  s.avail_in = static_cast<uInt>(in_size);
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&s, Z_FINISH);
  const size_t produced = s.total_out;
  const std::string msg = s.msg ? s.msg : "";
  inflateEnd(&s);
  if (rc != Z_STREAM_END || produced != out_size)
    throw FileError(fmt::format("{}: corrupt deflate data ({}; {} of {} bytes inflated)", where,
                                msg.empty() ? "stream did not end where the directory says" : msg, produced, out_size));
  return out;
}

struct CentralEntry {
  std::string name;
  uint16_t flags, method;
  uint32_t crc, compressed_size, size, local_offset;
};

}  // namespace

std::vector<ZipMember> read_zip(const std::string& file_text, const std::string& path) {
  const std::basic_string_view<unsigned char> file(reinterpret_cast<const unsigned char*>(file_text.data()),
                                                   file_text.size());
  if (file.size() < kEndRecordSize)
    throw FileError(
        fmt::format("{}: not a zip/.npz archive (only {} bytes, no end-of-directory record)", path, file.size()));
  // The end record sits in the last 22 + up-to-65535 (comment) bytes; scan back for its signature.
  size_t end_pos = std::string::npos;
  const size_t lowest = file.size() >= kEndRecordSize + 65535 ? file.size() - kEndRecordSize - 65535 : 0;
  for (size_t p = file.size() - kEndRecordSize + 1; p-- > lowest;) {
    if (file[p] == 0x50 && file[p + 1] == 0x4b && file[p + 2] == 0x05 && file[p + 3] == 0x06) {
      end_pos = p;
      break;
    }
  }
  if (end_pos == std::string::npos)
    throw FileError(fmt::format("{}: not a zip/.npz archive or truncated (no end-of-central-directory record)", path));
  if (end_pos >= 20) {
    ByteReader loc(file.data() + end_pos - 20, 4, path);
    if (loc.u32le("ZIP64 locator") == kZip64LocatorSig)
      throw FileError(fmt::format("{}: ZIP64 archives are not supported (archive over 4 GiB or 65535 members)", path));
  }

  ByteReader r(file.data(), file.size(), path);
  r.seek(end_pos + 4, "end record");
  const uint16_t disk = r.u16le("end record"), cd_disk = r.u16le("end record");
  const uint16_t count_here = r.u16le("end record"), count = r.u16le("end record");
  const uint32_t cd_size = r.u32le("end record"), cd_offset = r.u32le("end record");
  if (count == 0xffff || cd_size == 0xffffffff || cd_offset == 0xffffffff)
    throw FileError(fmt::format("{}: ZIP64 archives are not supported", path));
  if (disk != 0 || cd_disk != 0 || count_here != count)
    throw FileError(fmt::format("{}: multi-disk zip archives are not supported", path));
  if (uint64_t{cd_offset} + cd_size > end_pos)
    throw FileError(fmt::format("{}: truncated or corrupt: central directory at {}+{} runs past its end record at {}",
                                path, cd_offset, cd_size, end_pos));

  std::vector<CentralEntry> entries;
  r.seek(cd_offset, "central directory");
  for (uint16_t i = 0; i < count; ++i) {
    if (r.u32le("central directory entry") != kCentralSig)
      throw FileError(fmt::format("{}: corrupt central directory (bad signature of entry {})", path, i));
    CentralEntry e;
    r.take(4, "central directory entry");  // versions made by / needed
    e.flags = r.u16le("central directory entry");
    e.method = r.u16le("central directory entry");
    r.take(4, "central directory entry");  // time, date
    e.crc = r.u32le("central directory entry");
    e.compressed_size = r.u32le("central directory entry");
    e.size = r.u32le("central directory entry");
    const uint16_t name_len = r.u16le("central directory entry");
    const uint16_t extra_len = r.u16le("central directory entry");
    const uint16_t comment_len = r.u16le("central directory entry");
    r.take(8, "central directory entry");  // disk start, internal and external attributes
    e.local_offset = r.u32le("central directory entry");
    const unsigned char* name = r.take(name_len, "member name");
    e.name.assign(reinterpret_cast<const char*>(name), name_len);
    r.take(size_t{extra_len} + comment_len, "central directory extra field");
    if (e.compressed_size == 0xffffffff || e.size == 0xffffffff || e.local_offset == 0xffffffff)
      throw FileError(fmt::format("{}: member '{}' needs ZIP64, which is not supported", path, e.name));
    entries.push_back(std::move(e));
  }

  std::vector<ZipMember> members;
  for (const CentralEntry& e : entries) {
    const std::string where = path + ":" + e.name;
    if (e.flags & 1) throw FileError(fmt::format("{}: encrypted zip members are not supported", where));
    if (e.method != kStored && e.method != kDeflated)
      throw FileError(
          fmt::format("{}: unsupported zip compression method {} (only stored and deflate)", where, e.method));
    // The local header repeats the name and may carry its own extra field (numpy's
    // writer puts a ZIP64 size record there); the central directory's sizes are authoritative.
    ByteReader local(file.data(), cd_offset, where);  // member data must precede the directory
    local.seek(e.local_offset, "local file header");
    if (local.u32le("local file header") != kLocalSig)
      throw FileError(
          fmt::format("{}: corrupt archive (bad local header signature at offset {})", where, e.local_offset));
    local.take(22, "local file header");
    const uint16_t name_len = local.u16le("local file header");
    const uint16_t extra_len = local.u16le("local file header");
    local.take(size_t{name_len} + extra_len, "local file header name");
    const unsigned char* payload = local.take(e.compressed_size, "member data");
    ZipMember m{e.name, {}};
    if (e.method == kStored) {
      if (e.compressed_size != e.size)
        throw FileError(
            fmt::format("{}: corrupt: stored member sizes differ ({} vs {})", where, e.compressed_size, e.size));
      m.data.assign(reinterpret_cast<const char*>(payload), e.size);
    } else {
      m.data = inflate_raw(payload, e.compressed_size, e.size, where);
    }
    if (crc_of(m.data) != e.crc) throw FileError(fmt::format("{}: corrupt: CRC-32 mismatch", where));
    members.push_back(std::move(m));
  }
  return members;
}

std::string write_zip(const std::vector<ZipMember>& members, bool compress) {
  constexpr uint64_t kLimit = std::numeric_limits<uint32_t>::max() - 1;
  if (members.size() >= 0xffff)
    throw ValueError("save_npz: more than 65534 arrays needs ZIP64, which is not supported");
  std::string out, directory;
  for (const ZipMember& m : members) {
    if (m.name.size() > 0xffff)
      throw ValueError(fmt::format("save_npz: array name too long: {}...", m.name.substr(0, 64)));
    const std::string payload = compress ? deflate_raw(m.data) : std::string();
    const std::string& stored = compress ? payload : m.data;
    if (m.data.size() > kLimit || stored.size() > kLimit || out.size() > kLimit)
      throw ValueError(
          fmt::format("save_npz: archive over 4 GiB needs ZIP64, which is not supported (member {})", m.name));
    const uint32_t crc = crc_of(m.data);
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const uint16_t method = compress ? kDeflated : kStored;

    put_u32le(out, kLocalSig);
    put_u16le(out, 20);  // version needed: 2.0 (deflate)
    put_u16le(out, 0);   // flags
    put_u16le(out, method);
    put_u16le(out, kDosTime);
    put_u16le(out, kDosDate);
    put_u32le(out, crc);
    put_u32le(out, static_cast<uint32_t>(stored.size()));
    put_u32le(out, static_cast<uint32_t>(m.data.size()));
    put_u16le(out, static_cast<uint16_t>(m.name.size()));
    put_u16le(out, 0);  // extra length
    out += m.name;
    out += stored;

    put_u32le(directory, kCentralSig);
    put_u16le(directory, 20);  // made by: version 2.0, MS-DOS attributes
    put_u16le(directory, 20);
    put_u16le(directory, 0);
    put_u16le(directory, method);
    put_u16le(directory, kDosTime);
    put_u16le(directory, kDosDate);
    put_u32le(directory, crc);
    put_u32le(directory, static_cast<uint32_t>(stored.size()));
    put_u32le(directory, static_cast<uint32_t>(m.data.size()));
    put_u16le(directory, static_cast<uint16_t>(m.name.size()));
    put_u16le(directory, 0);  // extra
    put_u16le(directory, 0);  // comment
    put_u16le(directory, 0);  // disk
    put_u16le(directory, 0);  // internal attributes
    put_u32le(directory, 0);  // external attributes
    put_u32le(directory, offset);
    directory += m.name;
  }
  if (out.size() + directory.size() > kLimit) throw ValueError("save_npz: archive over 4 GiB needs ZIP64");
  const uint32_t cd_offset = static_cast<uint32_t>(out.size());
  out += directory;
  put_u32le(out, kEndSig);
  put_u16le(out, 0);
  put_u16le(out, 0);
  put_u16le(out, static_cast<uint16_t>(members.size()));
  put_u16le(out, static_cast<uint16_t>(members.size()));
  put_u32le(out, static_cast<uint32_t>(directory.size()));
  put_u32le(out, cd_offset);
  put_u16le(out, 0);  // comment length
  return out;
}

}  // namespace deepfin::io::detail
