// A fast reader for the JSON libpg_query prints, feeding a nlohmann SAX handler the events
// nlohmann's own parser would. It reads only a plain subset: ASCII text, strings without \u
// escapes, integers of up to nine digits. Anything else, and anything malformed, it declines, and
// the caller parses with nlohmann instead (which then accepts or rejects the text itself).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace pgshift::parser {

// Whether `text` was read (then the handler saw every event of the one JSON value it holds);
// false when declined, after which the handler's state is to be discarded.
bool ReadPlainJson(std::string_view text, nlohmann::json_sax<nlohmann::json>& sax);

}  // namespace pgshift::parser
