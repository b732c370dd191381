// Whatever the plain reader accepts, nlohmann accepts too, with the same events; the rest it
// declines.
#include "parser/plain_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgshift::parser {
namespace {

using Json = nlohmann::json;

class Recorder : public nlohmann::json_sax<Json> {
 public:
  std::vector<std::string> events;

  bool null() override { return Add("null"); }
  bool boolean(bool v) override { return Add(v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override { return Add("int " + std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Add("uint " + std::to_string(v)); }
  bool number_float(number_float_t v, const string_t&) override {
    return Add("float " + std::to_string(v));
  }
  bool string(string_t& v) override { return Add("string " + v); }
  bool binary(binary_t&) override { return Add("binary"); }
  bool start_object(std::size_t) override { return Add("{"); }
  bool end_object() override { return Add("}"); }
  bool start_array(std::size_t) override { return Add("["); }
  bool end_array() override { return Add("]"); }
  bool key(string_t& v) override { return Add("key " + v); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Add(std::string event) {
    events.push_back(std::move(event));
    return true;
  }
};

TEST(PlainJson, ReadsWhatNlohmannReadsTheSameWay) {
  const char* const kRead[] = {
      R"([])",
      " {\"a\" : [1, -2, 0, -0, 123456789, true, false, null, \"x\"] , \"b\":{}}\n",
      "[\n{\"PLpgSQL_function\":{\"datums\":[{\"PLpgSQL_var\":{\"refname\":\"found\"}}],"
      "\"action\":{\"PLpgSQL_stmt_block\":{\"lineno\":1,\"body\":[{\"PLpgSQL_stmt_execsql\":"
      "{\"lineno\":3,\"sqlstmt\":{\"PLpgSQL_expr\":{\"query\":\"UPDATE t SET a = "
      "'q\\\"\\\\'\"}}}}]}}}}\n]",
      R"({"s":"tab\there \/ \b\f\n\r \" \\ end","":""})",
  };
  for (const char* text : kRead) {
    Recorder plain;
    Recorder reference;
    EXPECT_TRUE(ReadPlainJson(text, plain)) << text;
    EXPECT_TRUE(Json::sax_parse(text, &reference)) << text;
    EXPECT_EQ(plain.events, reference.events) << text;
    EXPECT_FALSE(plain.events.empty());
  }
}

TEST(PlainJson, DeclinesTheRest) {
  const char* const kDeclined[] = {
      R"(["\u00e9"])",      // \u escape
      "[\"\xc3\xa9\"]",     // non-ASCII
      "[\"a\tb\"]",         // a raw control character (invalid JSON)
      R"([1.5])",           // a fraction
      R"([1e3])",           // an exponent
      R"([1234567890])",    // ten digits
      R"([01])",            // a leading zero (invalid JSON)
      R"([1,])",            // a trailing comma (invalid JSON)
      R"({"a" 1})",         // no colon
      R"([tru])",           // cut literal
      R"([] x)",            // trailing text
      R"(["unterminated)",  // cut string
      "",                   // nothing
      R"({"a":1)",          // unclosed
      R"([-])",             // a lone minus
  };
  for (const char* text : kDeclined) {
    Recorder plain;
    EXPECT_FALSE(ReadPlainJson(text, plain)) << text;
  }
  std::string deep(600, '[');
  deep += std::string(600, ']');
  Recorder plain;
  EXPECT_FALSE(ReadPlainJson(deep, plain));  // left to nlohmann's iterative parser
  Recorder reference;
  EXPECT_TRUE(Json::sax_parse(deep, &reference));
}

}  // namespace
}  // namespace pgshift::parser
