#include "store/pg_spec.h"

#include <libpq-fe.h>

#include <cctype>

namespace refreshctl::pg {
namespace {

// Any scheme: a mistyped one ("postgressql://") may hold a password too.
bool is_url(const std::string& spec) {
  size_t i = 0;
  while (i < spec.size() && (std::isalnum(static_cast<unsigned char>(spec[i])) != 0 ||
                             spec[i] == '+' || spec[i] == '.' || spec[i] == '-')) {
    ++i;
  }
  return i > 0 && spec.compare(i, 3, "://") == 0;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
        hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// A URL cut where libpq's parser and a careless writer could both see the
// credentials: everything up to the last '@' before the query string, so
// that a password holding a raw '/' or '@' is still treated as one.
struct UrlParts {
  std::string scheme;    // "postgresql://"
  std::string user;      // before ':' of the user info
  std::string password;  // after it (as written)
  bool has_userinfo = false;
  std::string rest;                 // hosts and path
  std::vector<std::string> params;  // key=value of the query string
};

UrlParts split_url(const std::string& spec) {
  UrlParts u;
  size_t start = spec.find("://") + 3;
  u.scheme = spec.substr(0, start);
  size_t query = spec.find('?', start);
  std::string main =
      spec.substr(start, query == std::string::npos ? std::string::npos : query - start);
  size_t at = main.rfind('@');
  if (at != std::string::npos) {
    u.has_userinfo = true;
    std::string info = main.substr(0, at);
    size_t colon = info.find(':');
    u.user = info.substr(0, colon);
    if (colon != std::string::npos) u.password = info.substr(colon + 1);
    main = main.substr(at + 1);
  }
  u.rest = main;
  if (query != std::string::npos) {
    std::string q = spec.substr(query + 1);
    for (size_t from = 0; from <= q.size();) {
      size_t amp = q.find('&', from);
      if (amp == std::string::npos) amp = q.size();
      if (amp > from) u.params.push_back(q.substr(from, amp - from));
      from = amp + 1;
    }
  }
  return u;
}

std::string param_key(const std::string& param) { return param.substr(0, param.find('=')); }

// One key=value pair of a conninfo string, as libpq reads it.
struct Pair {
  std::string key;
  std::string value;  // unquoted, unescaped
  std::string raw;    // as written
};

// The pairs of a conninfo string. *complete is false when the rest after the
// last pair returned cannot be read (the caller shows "..." for it, never its
// text: it may hold part of a password).
std::vector<Pair> split_conninfo(const std::string& s, bool* complete) {
  std::vector<Pair> pairs;
  *complete = false;
  size_t i = 0;
  auto space = [&](size_t at) { return std::isspace(static_cast<unsigned char>(s[at])) != 0; };
  for (;;) {
    while (i < s.size() && space(i)) ++i;
    if (i == s.size()) break;
    size_t begin = i;
    Pair p;
    while (i < s.size() && s[i] != '=' && !space(i)) p.key += s[i++];
    while (i < s.size() && space(i)) ++i;
    if (i == s.size() || s[i] != '=') return pairs;
    ++i;
    while (i < s.size() && space(i)) ++i;
    if (i < s.size() && s[i] == '\'') {
      ++i;
      for (;;) {
        if (i == s.size()) return pairs;  // unterminated quote
        if (s[i] == '\\' && i + 1 < s.size()) {
          p.value += s[i + 1];
          i += 2;
        } else if (s[i] == '\'') {
          ++i;
          break;
        } else {
          p.value += s[i++];
        }
      }
    } else {
      while (i < s.size() && !space(i)) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        p.value += s[i++];
      }
    }
    p.raw = s.substr(begin, i - begin);
    pairs.push_back(std::move(p));
  }
  *complete = true;
  return pairs;
}

std::string quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

bool looks_like_spec(const std::string& value) {
  return value.rfind("postgresql://", 0) == 0 || value.rfind("postgres://", 0) == 0 ||
         value.find('=') != std::string::npos;
}

}  // namespace

std::string redact_spec(const std::string& spec) {
  if (is_url(spec)) {
    UrlParts u = split_url(spec);
    std::string out = u.scheme;
    if (u.has_userinfo && !u.user.empty()) out += u.user + "@";
    out += u.rest;
    std::string query;
    for (const auto& p : u.params) {
      if (param_key(p) == "password") continue;
      query += (query.empty() ? "?" : "&") + p;
    }
    return out + query;
  }
  bool complete = false;
  std::string out;
  for (const auto& p : split_conninfo(spec, &complete)) {
    if (p.key == "password") continue;
    std::string text = p.raw;
    // libpq expands a dbname that is itself a URL or conninfo string.
    if (p.key == "dbname" && looks_like_spec(p.value))
      text = "dbname=" + quote(redact_spec(p.value));
    out += (out.empty() ? "" : " ") + text;
  }
  if (!complete) out += out.empty() ? "..." : " ...";
  return out;
}

std::vector<std::string> spec_secrets(const std::string& spec) {
  std::vector<std::string> secrets;
  auto add = [&](const std::string& s) {
    if (s.empty()) return;
    for (const auto& known : secrets) {
      if (known == s) return;
    }
    secrets.push_back(s);
  };
  char* error = nullptr;
  if (PQconninfoOption* options = PQconninfoParse(spec.c_str(), &error)) {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (std::string(o->keyword) == "password" && o->val != nullptr) add(o->val);
    }
    PQconninfoFree(options);
  }
  PQfreemem(error);
  if (is_url(spec)) {
    UrlParts u = split_url(spec);
    add(u.password);
    add(percent_decode(u.password));
    for (const auto& p : u.params) {
      if (param_key(p) != "password" || p.find('=') == std::string::npos) continue;
      std::string value = p.substr(p.find('=') + 1);
      add(value);
      add(percent_decode(value));
    }
    return secrets;
  }
  bool complete = false;
  for (const auto& p : split_conninfo(spec, &complete)) {
    if (p.key == "password") add(p.value);
    if (p.key == "dbname" && looks_like_spec(p.value)) {
      for (const auto& s : spec_secrets(p.value)) add(s);
    }
  }
  return secrets;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 3) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "***");
      at += 3;
    }
  }
  return text;
}

std::string one_line(const std::string& message) {
  std::string out;
  bool pending_space = false;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space && c != ' ') out += ' ';
    if (pending_space && c == ' ') continue;
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace refreshctl::pg
