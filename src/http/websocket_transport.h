// Beast WebSocket on a Transport: the customization points Beast finds by ADL — the closing
// handshake's teardown (TLS sends close_notify first; plain TCP shuts down as Beast does for a
// socket) and the socket close its timeouts use. Include it wherever a
// websocket::stream<http::Transport> is used.
#pragma once

#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <utility>

#include "http/transport.h"

namespace vox::http {

inline void beast_close_socket(Transport& transport) {
  boost::system::error_code ignored;
  transport.close(ignored);
}

inline void teardown(boost::beast::role_type role, Transport& transport,
                     boost::system::error_code& ec) {
  if (auto* tls = transport.tls()) return boost::beast::teardown(role, *tls, ec);
  boost::beast::websocket::teardown(role, transport.socket(), ec);
}

template <typename Handler>
void async_teardown(boost::beast::role_type role, Transport& transport, Handler&& handler) {
  if (auto* tls = transport.tls()) {
    return boost::beast::async_teardown(role, *tls, std::forward<Handler>(handler));
  }
  boost::beast::websocket::async_teardown(role, transport.socket(), std::forward<Handler>(handler));
}

}  // namespace vox::http
