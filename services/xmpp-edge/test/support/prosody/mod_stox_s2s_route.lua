-- Test-only Prosody plugin for the xmpp-edge interop tests: dial the domains listed in `stox_s2s_routes`
-- ({ ["domain"] = { "127.0.0.1", port } }) at that loopback address instead of resolving SRV/A records,
-- so the gateway's s2s listener can sit on a random free port.
local service = require "net.resolvers.service";
local basic = require "net.resolvers.basic";
local manual = require "net.resolvers.manual";

local routes = module:get_option("stox_s2s_routes", {});
local original_new = service.new;

service.new = function(hostname, service_name, conn_type, extra)
	local route = routes[hostname];
	if route == nil then
		return original_new(hostname, service_name, conn_type, extra);
	end
	if service_name == "xmpp-server" then
		return basic.new(route[1], route[2], conn_type, extra);
	end
	return manual.new({}, conn_type, extra);
end

function module.unload()
	service.new = original_new;
end
