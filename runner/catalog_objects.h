// The schema objects a plan names, by kind: what `pgshift plan` lists, what a checkpoint
// fingerprints, and whose lock holders a blocked runner names. Each name as written (possibly
// schema-qualified), sorted, once per kind.
#pragma once

#include <string>
#include <vector>

namespace pgshift::runner {

struct CatalogObjects {
  std::vector<std::string> tables;
  std::vector<std::string> indexes;
  std::vector<std::string> sequences;
  std::vector<std::string> views;      // views and materialized views
  std::vector<std::string> functions;  // functions and procedures: every overload of the name
  std::vector<std::string> types;      // enums, domains, composite and range types

  // Every name that is a relation: tables, indexes, sequences and views.
  std::vector<std::string> Relations() const {
    std::vector<std::string> all = tables;
    for (const auto* list : {&indexes, &sequences, &views}) {
      all.insert(all.end(), list->begin(), list->end());
    }
    return all;
  }
};

}  // namespace pgshift::runner
