// connection's pipeline mode (pg_connection.hpp): libpq's PQenterPipelineMode and
// PQpipelineSync, driven on a non-blocking socket as libpq's manual asks, so that neither side
// can wait for the other with full buffers: while output is queued, the answers that arrive
// are read in too.
#include "store/postgres/pg_connection.hpp"

#include "store/store.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>

namespace hookd::store::pg {
namespace {

std::string libpq_error(PGconn* c) {
  std::string out = c ? PQerrorMessage(c) : "no connection";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

} // namespace

void connection::send(const std::string& name, const params& p, std::string_view op) {
  if (broken())
    throw error(std::string{op} + ": connection lost (" + where_ + ")");
  if (sent_ == 0 && (PQsetnonblocking(conn_, 1) != 0 || PQenterPipelineMode(conn_) != 1))
    throw error(std::string{op} + ": cannot enter pipeline mode: " + libpq_error(conn_) + " (" +
                where_ + ")");
  if (PQsendQueryPrepared(conn_, name.c_str(), p.size(), p.values(), p.lengths(), p.formats(),
                          1) != 1 ||
      PQflush(conn_) < 0) {
    const auto why = libpq_error(conn_);
    abandon_pipeline();
    throw error(std::string{op} + ": " + why + " (" + where_ + ")");
  }
  ++sent_;
}

bool connection::wait_ready() {
  while (PQisBusy(conn_)) {
    const int flushing = PQflush(conn_); // 1: output still queued
    if (flushing < 0)
      return false;
    pollfd fd{PQsocket(conn_), static_cast<short>(POLLIN | (flushing == 1 ? POLLOUT : 0)), 0};
    if (::poll(&fd, 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    if ((fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0 && PQconsumeInput(conn_) == 0)
      return false;
  }
  return true;
}

std::vector<result> connection::receive_all(std::string_view op) {
  std::vector<result> answers;
  if (sent_ == 0)
    return answers;
  // A pipeline that fails half way leaves libpq in a state only a new connection gets out of:
  // close this one (broken() from now on; the store connects again after its rollback).
  auto lost = [&] {
    const auto why = libpq_error(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    sent_ = 0;
    return error(std::string{op} + ": connection lost in a pipeline: " + why + " (" + where_ + ")");
  };
  if (PQpipelineSync(conn_) != 1)
    throw lost();
  answers.reserve(sent_);
  // Each statement's answer is followed by a null result; after the last one, the sync's.
  for (;;) {
    if (!wait_ready())
      throw lost();
    result r{PQgetResult(conn_)};
    if (!r.get()) {
      if (PQstatus(conn_) != CONNECTION_OK)
        throw lost();
      continue;
    }
    if (PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC)
      break;
    answers.push_back(std::move(r));
  }
  if (answers.size() != sent_) {
    const auto counts = std::to_string(answers.size()) + " answers for " + std::to_string(sent_);
    lost();
    throw error(std::string{op} + ": " + counts + " statements in a pipeline (" + where_ + ")");
  }
  sent_ = 0;
  PQexitPipelineMode(conn_);
  PQsetnonblocking(conn_, 0);
  return answers;
}

void connection::abandon_pipeline() noexcept {
  if (!conn_ || PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) {
    sent_ = 0;
    return;
  }
  if (sent_ == 0) { // entered, nothing sent
    PQexitPipelineMode(conn_);
    PQsetnonblocking(conn_, 0);
    return;
  }
  try {
    receive_all("abandon the pipeline");
  } catch (const error&) {
    // The connection is closed; nothing of the pipeline is left to drop.
  }
}

} // namespace hookd::store::pg
