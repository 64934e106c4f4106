#pragma once

#include <locale.h>

namespace distill::backend::layer {

// libarchive converts names between the locale's charset and UTF-8 (pax
// records), so the bytes would depend on LANG. While alive, this pins the
// calling thread to C.UTF-8 (uselocale is per thread, no global state): ASCII
// names stay plain ustar, UTF-8 names get a pax "path" record, and reading
// gives the names' bytes back unchanged.
class Utf8LocaleScope {
public:
  Utf8LocaleScope() {
    m_locale = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    if (m_locale != static_cast<locale_t>(nullptr)) {
      m_previous = ::uselocale(m_locale);
    }
  }
  ~Utf8LocaleScope() {
    if (m_locale != static_cast<locale_t>(nullptr)) {
      ::uselocale(m_previous);
      ::freelocale(m_locale);
    }
  }
  Utf8LocaleScope(const Utf8LocaleScope&) = delete;
  Utf8LocaleScope& operator=(const Utf8LocaleScope&) = delete;

private:
  locale_t m_locale = static_cast<locale_t>(nullptr);
  locale_t m_previous = static_cast<locale_t>(nullptr);
};

} // namespace distill::backend::layer
