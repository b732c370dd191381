// JSON reports written one element at a time: a file of a million statements may hold hundreds of
// thousands of findings, and a document of them all would take gigabytes before a byte is out.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>

namespace pgshift::cli {

// Where a document holds the streamed array (as a string value, in exactly one place).
inline constexpr const char* kStreamedArray = "@@pgshift-streamed-array@@";

// Calls its argument once per element, in order.
using JsonElements = std::function<void(const std::function<void(const nlohmann::json&)>& emit)>;

// Writes `document` exactly as document.dump(2) would (with bytes that are not UTF-8 replaced by
// U+FFFD), with the kStreamedArray value replaced by the array of `elements`, each dumped as it
// comes.
void WriteStreamedJson(std::ostream& out, const nlohmann::json& document,
                       const JsonElements& elements);

}  // namespace pgshift::cli
