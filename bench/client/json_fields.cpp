#include "client/json_fields.hpp"

#include <charconv>

namespace parley::bench {
namespace {

// Index one past the end of the string starting at text[i] == '"', or npos.
std::size_t skip_string(std::string_view text, std::size_t i) noexcept {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Index one past the end of the value starting at text[i], or npos.
std::size_t skip_value(std::string_view text, std::size_t i) noexcept {
  if (i >= text.size()) return std::string_view::npos;
  const char c = text[i];
  if (c == '"') return skip_string(text, i);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < text.size()) {
      const char d = text[i];
      if (d == '"') {
        i = skip_string(text, i);
        if (i == std::string_view::npos) return i;
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return std::string_view::npos;
  }
  while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ' ') ++i;
  return i;
}

std::size_t skip_space(std::string_view text, std::size_t i) noexcept {
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r'))
    ++i;
  return i;
}

std::string_view unquote(std::string_view raw) noexcept {
  if (raw.size() >= 2 && raw.front() == '"') return raw.substr(1, raw.size() - 2);
  return {};
}

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view text) noexcept {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return v;
}

bool JsonFields::parse(std::string_view text) noexcept {
  std::size_t i = skip_space(text, 0);
  if (i >= text.size() || text[i] != '{') return false;
  i = skip_space(text, i + 1);
  if (i < text.size() && text[i] == '}') return true;
  while (i < text.size()) {
    if (text[i] != '"') return false;
    const std::size_t key_end = skip_string(text, i);
    if (key_end == std::string_view::npos) return false;
    const std::string_view key = text.substr(i + 1, key_end - i - 2);
    i = skip_space(text, key_end);
    if (i >= text.size() || text[i] != ':') return false;
    i = skip_space(text, i + 1);
    const std::size_t value_end = skip_value(text, i);
    if (value_end == std::string_view::npos) return false;
    const std::string_view raw = text.substr(i, value_end - i);
    if (key == "type") {
      type = unquote(raw);
    } else if (key == "id") {
      id = parse_int(raw);
    } else if (key == "rev") {
      rev = parse_int(raw);
    } else if (key == "body") {
      body = unquote(raw);
    } else if (key == "client_id") {
      client_id = unquote(raw);
    } else if (key == "code") {
      code = unquote(raw);
    } else if (key == "ref") {
      ref = unquote(raw);
    } else if (key == "data") {
      data = raw;
    } else if (key == "room") {
      room_raw = raw;
    } else if (key == "delivered") {
      delivered = parse_int(raw);
    }
    i = skip_space(text, value_end);
    if (i < text.size() && text[i] == ',') {
      i = skip_space(text, i + 1);
      continue;
    }
    return i < text.size() && text[i] == '}';
  }
  return false;
}

}  // namespace parley::bench
