#include "backend/fetch/fetcher.hpp"

namespace distill::backend::fetch {

std::filesystem::path partial_path_of(const FetchRequest& request) {
  if (!request.partial_path.empty()) {
    return request.partial_path;
  }
  auto path = request.destination;
  path += ".partial";
  return path;
}

} // namespace distill::backend::fetch
