# Varnish in front of a govinfo-wagtail site (docs/deployment.md, "Front cache").
#
# - Caches only what Django marks public (Cache-Control: public with s-maxage): drafts,
#   previews, pages with view restrictions, the admin, forms and logged-in visitors pass.
# - Visitors without a Django session are served without cookies (analytics cookies would
#   otherwise split the cache); a session cookie sends the request to Django uncached.
# - PURGE is taken only on the purge listener, `varnishd -a 127.0.0.1:6081 -a
#   purge=127.0.0.1:6082`, from the hosts in acl "purge": Wagtail's frontend-cache backend
#   (LOCATION http://127.0.0.1:6082) sends it there; nginx forwards visitors to 6081 only,
#   where PURGE and BAN are 405 even from 127.0.0.1 (nginx connects from there). A purge
#   bans the path with every query string: /xxgk/ purges /xxgk/, /xxgk/?page=2, ...
# - The host is made lower case, without the port and a trailing dot (as nginx's $host), so
#   that XXGK.example.gov.cn. and xxgk.example.gov.cn:8080 are the same cached copy as
#   xxgk.example.gov.cn, and go with its purge. Django gets that host.
# - Django varies on Cookie; with the cookies removed, every anonymous visitor shares one copy.
vcl 4.1;

import std;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
}

acl purge {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.http.host) {
        set req.http.host = std.tolower(regsub(regsub(req.http.host, ":[0-9]*$", ""),
                                               "\.+$", ""));
    }
    if (req.method == "BAN") {
        return (synth(405, "Not allowed"));
    }
    if (req.method == "PURGE") {
        if (local.socket != "purge" || !client.ip ~ purge) {
            return (synth(405, "Not allowed"));
        }
        # Lurker-friendly ban on the stored host and path (any query string).
        ban("obj.http.x-govinfo-host == " + req.http.host +
            " && obj.http.x-govinfo-path == " + regsub(req.url, "\?.*$", ""));
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The Wagtail admin, Django's admin and the login views are never cached.
    if (req.url ~ "^/(admin|django-admin)(/|$)" || req.url ~ "^/_util/") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Keep the text-size preference (适老化): the page renders differently with it.
    if (req.http.Cookie ~ "(^|;\s*)govinfo_text=") {
        set req.http.Cookie = regsub(req.http.Cookie, "^.*?(govinfo_text=[^;]*).*$", "\1");
        return (hash);
    }
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    if (req.http.Cookie) {
        hash_data(req.http.Cookie);
    }
}

sub vcl_backend_response {
    # Stored with the object, for PURGE bans (lurker-friendly: no req.* in the ban).
    set beresp.http.x-govinfo-host = bereq.http.host;
    set beresp.http.x-govinfo-path = regsub(bereq.url, "\?.*$", "");
    if (beresp.http.Cache-Control !~ "public" || beresp.http.Cache-Control ~ "private|no-store|no-cache"
            || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # A short grace: under a burst, one request refreshes an expired page while the
    # others get the stale copy (purged pages are removed, not kept in grace).
    set beresp.grace = 10s;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.x-govinfo-host;
    unset resp.http.x-govinfo-path;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
