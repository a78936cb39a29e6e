// A linear pre-scan that estimates how deeply an HTML document nests, so that the HTML
// loader can refuse pathological input before gumbo sees it: the HTML5 tree builder checks
// the whole stack of open elements for each start tag, which makes a page of 200,000
// nested <div>s take minutes. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace ragd {

// Counts start tags minus end tags, ignoring void elements (<br>, <img>, ...), elements
// whose end tag is optional and that close implicitly (<p>, <li>, <td>, ...), self-closing
// tags, comments, and the contents of raw-text elements (<script>, <style>, ...). Returns
// the highest count reached, or a value above `limit` as soon as the count passes it.
size_t estimate_html_depth(std::string_view html, size_t limit);

}  // namespace ragd
