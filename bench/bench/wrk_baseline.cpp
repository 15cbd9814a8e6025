#include "bench/bench/wrk_baseline.hpp"

#include "bench/bench/process.hpp"

#include <cmath>
#include <fstream>
#include <regex>

namespace hookd::bench {

wrk_result run_wrk(std::uint16_t receiver_port, std::size_t connections, double duration_s,
                   std::size_t payload_bytes, const std::string& work_dir) {
  wrk_result w;
  w.connections = std::max<std::size_t>(1, connections);
  w.duration_s = duration_s;
  if (!on_path("wrk")) {
    w.skipped = "wrk is not installed (apt-get install wrk); the ratio to wrk is skipped";
    return w;
  }
  const auto script = work_dir + "/wrk_post.lua";
  {
    std::ofstream lua{script};
    const std::string pad(payload_bytes > 20 ? payload_bytes - 20 : 1, 'x');
    lua << "wrk.method = \"POST\"\n"
        << "wrk.body = '{\"seq\":1,\"pad\":\"" << pad << "\"}'\n"
        << "wrk.headers[\"Content-Type\"] = \"application/json\"\n";
  }
  const auto seconds = std::max<long>(1, std::lround(duration_s));
  std::vector<std::string> argv{"wrk", "-t1", "-c" + std::to_string(w.connections),
                                "-d" + std::to_string(seconds) + "s", "-s", script,
                                "http://127.0.0.1:" + std::to_string(receiver_port) + "/e/wrk"};
  for (const auto& a : argv)
    w.command += (w.command.empty() ? "" : " ") + a;
  auto out = run_capture(argv, std::chrono::seconds{seconds + 30});
  if (!out) {
    w.skipped = "wrk did not finish";
    return w;
  }
  std::smatch m;
  const std::regex rps{R"(Requests/sec:\s+([0-9.]+))"};
  if (!std::regex_search(*out, m, rps)) {
    w.skipped = "could not read wrk's output: " + out->substr(0, 300);
    return w;
  }
  w.requests_per_s = std::stod(m[1].str());
  w.ran = true;
  return w;
}

} // namespace hookd::bench
