#include "text/golden_file.h"

#include <fstream>
#include <sstream>

namespace vox::text::testing {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Unescape(const std::string& in, std::string* out, std::string* error) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      *out += in[i];
      continue;
    }
    if (i + 1 >= in.size()) {
      *error = "dangling backslash";
      return false;
    }
    const char e = in[++i];
    switch (e) {
      case 't':
        *out += '\t';
        break;
      case 'n':
        *out += '\n';
        break;
      case 'r':
        *out += '\r';
        break;
      case '\\':
        *out += '\\';
        break;
      case 'x': {
        const int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
        const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          *error = "bad \\x escape";
          return false;
        }
        *out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        *error = std::string("unknown escape \\") + e;
        return false;
    }
  }
  return true;
}

}  // namespace

bool LoadGoldenFile(const std::string& path, std::vector<GoldenLine>* lines, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return false;
  }
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.empty() || raw[0] == '#') continue;
    GoldenLine line;
    line.line = number;
    std::size_t begin = 0;
    while (true) {
      const std::size_t tab = raw.find('\t', begin);
      std::string column;
      if (!Unescape(raw.substr(begin, tab == std::string::npos ? std::string::npos : tab - begin),
                    &column, error)) {
        *error = path + ":" + std::to_string(number) + ": " + *error;
        return false;
      }
      line.columns.push_back(std::move(column));
      if (tab == std::string::npos) break;
      begin = tab + 1;
    }
    lines->push_back(std::move(line));
  }
  return true;
}

std::string TestDataPath(const std::string& name) {
  return std::string(VOX_SOURCE_DIR) + "/src/text/testdata/" + name;
}

std::string Printable(const std::string& s) {
  std::ostringstream out;
  for (unsigned char c : s) {
    if (c == '\t') {
      out << "\\t";
    } else if (c == '\n') {
      out << "\\n";
    } else if (c < 0x20 || c == 0x7F) {
      static const char* kHex = "0123456789abcdef";
      out << "\\x" << kHex[c >> 4] << kHex[c & 15];
    } else {
      out << c;
    }
  }
  return out.str();
}

}  // namespace vox::text::testing
