#include "deepfin/io/json_text.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin::io {

nlohmann::json parse_json_text(std::string_view text, const std::string& where, int max_depth) {
  // The callback sees each value's depth as it opens, before anything is built on it.
  const nlohmann::json::parser_callback_t limit_depth = [&](int depth, nlohmann::json::parse_event_t event,
                                                            nlohmann::json&) {
    if (depth >= max_depth &&
        (event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start))
      throw FileError(
          fmt::format("{}: JSON nests more than {} levels deep (corrupt or hostile input)", where, max_depth));
    return true;
  };
  try {
    return nlohmann::json::parse(text, limit_depth);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("{}: not valid JSON: {}", where, e.what()));
  }
}

}  // namespace deepfin::io
