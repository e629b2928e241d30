#include "collect/ebpf/host_identity.h"

#include <sys/utsname.h>

#include <fstream>
#include <sstream>

#include "common/text.h"

namespace wsn::collect {
namespace {

// Whole file, or false when it cannot be opened.
bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

constexpr std::string_view kFamilies[][2] = {
    {"debian", "debian"}, {"ubuntu", "debian"}, {"raspbian", "debian"}, {"rhel", "redhat"},
    {"centos", "redhat"}, {"fedora", "redhat"}, {"rocky", "redhat"},    {"almalinux", "redhat"},
    {"ol", "redhat"},     {"amzn", "redhat"},   {"suse", "suse"},       {"sles", "suse"},
    {"opensuse", "suse"}, {"arch", "arch"},     {"gentoo", "gentoo"},   {"alpine", "alpine"},
};

std::string_view known_family(std::string_view id) {
  for (const auto& f : kFamilies) {
    if (f[0] == id) return f[1];
  }
  return {};
}

}  // namespace

std::map<std::string, std::string, std::less<>> parse_os_release(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = trim_blanks(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    const std::string_view key = trim_blanks(line.substr(0, eq));
    std::string_view raw = trim_blanks(line.substr(eq + 1));
    std::string value;
    if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
      const char q = raw.front();
      if (raw.size() < 2 || raw.back() != q) continue;  // unterminated quote
      raw = raw.substr(1, raw.size() - 2);
      for (size_t i = 0; i < raw.size(); ++i) {
        // Shell-style: inside double quotes a backslash escapes the next character.
        if (q == '"' && raw[i] == '\\' && i + 1 < raw.size()) ++i;
        value += raw[i];
      }
    } else {
      value.assign(raw);
    }
    out.insert_or_assign(std::string(key), std::move(value));
  }
  return out;
}

std::string parse_machine_id(std::string_view text) {
  const std::string_view id = trim_blanks(text.substr(0, text.find('\n')));
  if (id.size() != 32) return {};
  for (char c : id) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return {};
  }
  return std::string(id);
}

std::string os_family(std::string_view id, std::string_view id_like) {
  if (auto f = known_family(id); !f.empty()) return std::string(f);
  std::string_view first;
  for (std::string_view rest = id_like; !rest.empty();) {
    const size_t sp = rest.find(' ');
    const std::string_view word = rest.substr(0, sp);
    rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    if (word.empty()) continue;
    if (first.empty()) first = word;
    if (auto f = known_family(word); !f.empty()) return std::string(f);
  }
  return std::string(first.empty() ? id : first);
}

std::vector<HostField> read_host_identity(const HostIdentityFiles& files) {
  const FieldRegistry names;  // built-in ids are fixed by fields.def order: any registry agrees
  std::vector<HostField> out;
  auto add = [&](FieldId id, std::string_view value) {
    if (id != kInvalidField && !value.empty()) out.push_back({id, std::string(value)});
  };
  add(names.find("host.os.type"), "linux");

  std::map<std::string, std::string, std::less<>> os;
  for (const auto& path : files.os_release) {
    std::string text;
    if (read_file(path, text)) {
      os = parse_os_release(text);
      break;
    }
  }
  auto get = [&os](std::string_view key) -> std::string_view {
    auto it = os.find(key);
    return it == os.end() ? std::string_view{} : std::string_view(it->second);
  };
  if (!get("ID").empty() || !get("ID_LIKE").empty()) {
    add(names.find("host.os.family"), os_family(get("ID"), get("ID_LIKE")));
  }
  add(names.find("host.os.name"), get("NAME"));
  add(names.find("host.os.version"), get("VERSION_ID"));
  add(names.find("host.os.full"), get("PRETTY_NAME"));
  add(names.find("host.os.platform"), get("ID"));

  utsname u{};
  if (::uname(&u) == 0) {
    add(names.find("host.os.kernel"), u.release);
    add(names.find("host.hostname"), u.nodename);
    add(names.find("host.architecture"), u.machine);
  }
  std::string machine_id;
  if (read_file(files.machine_id, machine_id)) add(fields::kHostId, parse_machine_id(machine_id));
  return out;
}

std::vector<FieldId> host_identity_fields() {
  const FieldRegistry names;
  std::vector<FieldId> out;
  for (std::string_view n :
       {"host.os.type", "host.os.family", "host.os.name", "host.os.version", "host.os.full",
        "host.os.platform", "host.os.kernel", "host.hostname", "host.architecture"}) {
    out.push_back(names.find(n));
  }
  out.push_back(fields::kHostId);
  return out;
}

}  // namespace wsn::collect
