"use strict";
// docker-modem requires ssh2 only for ssh:// engines, which helper/docker/engine.ts refuses before
// any connection; this class exists so that require succeeds and any use says why it cannot work.
class Client {
  constructor() {
    throw new Error("sshmount does not connect to Docker engines over ssh://; use a local socket");
  }
}
module.exports = { Client };
