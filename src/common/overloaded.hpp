#pragma once
// A visitor made of lambdas, one per alternative: std::visit(Overloaded{[](A&) {}, ...}, v).

namespace parley {

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace parley
