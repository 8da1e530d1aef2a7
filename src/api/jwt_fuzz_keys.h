// Fixed test-only keys for the JWT fuzz target (jwt_fuzz.cc): generated once with
// `openssl genpkey` for this purpose, never used anywhere else. Fixed so the committed seed
// tokens (tests/fuzz/corpus/jwt/) stay validly signed from run to run.
#pragma once

namespace vox::api::fuzz {

constexpr const char* kRsaPrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC+XUB/ZDscjRiJ\n"
    "Av4o5QkMdWWUbT4dNPRwp28Or6PBnee8xRY+N391ii/VQGiSQXGMrM9qrsZMiYZN\n"
    "oXaxWlciZrNuK1cSra+osYJ5Jj1du/6IBL0aQD+QKyNJXrT672ri3CL0zyp++rXf\n"
    "mWcdfCpVQL646Duzef+oupl5leFnRcdBSKdBJoxFKMUrxykGMx76CZITN6MfBCD9\n"
    "M2kWi7rYO5/Uj6h5NGSIANaMG4slAy/anlep2podF2Lj6L/lDuWsdhSevlJrLwlm\n"
    "OOl1MhmbctPOkXH/UmHQYUPx5nheBt+ZUxPaDWqEPdcXXCFsx5FtMgyzHrw/TZYg\n"
    "TLFlNT5XAgMBAAECggEAW+AJ1vH7DYaThtzo6bfQrDCkvAQVbGc4an6EvSPL9xBM\n"
    "3fCJEbIbVBFDkLqrPZtUQD7PRH/huOLO7Py2mlYto67JfqxwM9Wb5+D0RaBNEcY/\n"
    "zEntMpQ7mUsYlrqcwld20NLKFDlAG1TJHoedGr/odojvA7MhzTdeSoL0u5e41+wh\n"
    "6YBKq2/pJBtgPXAusoguGSSnPJGIVQsDR1tunbLyjdL+5ZLWMMggvfIFr9a9mDFE\n"
    "9xGVKxKmHPhhZYvkyWoHb+n+rblv74jrvjzYW/05rmwcftGx0L+1/qynEqtA9Rca\n"
    "4e1RT31kSAXZzE/zV87VJWBCepiifS2ULQlgCboc8QKBgQDsrdj5b5Q5P3zSUjUR\n"
    "6eBZqlzZsk7cKUir8XOxhj80Tp5yLf5tgJuvdtl0nxQPwCt4qs1alycV95vS2umA\n"
    "OyLUIFFvp/0p/4LBFaI+muA0PSwl0D4DCV0i/iBdhPJBoJHhdlJyv2+YKa2pZdF6\n"
    "OCCzD1HqqCORLjt1UBcgVs/TdQKBgQDN54K+/tOBXakxqmn+Wsx183dt06dj0zXY\n"
    "g1V7HJSWt+3ZbJptM/PHtsp4nxWmficB0rQPaGXGnS7IsNj2nd9OYRcCj3J1akH8\n"
    "ukDrTagk0yYrHNp2LTmMmPY/N7pZBY3bPrq9Q1qZJy8fJ/gMfZ9E5P6dVWaT1N7F\n"
    "g0JUYLkNGwKBgCqu04FwcO++Flmrv6xiXDZvdd1Avd4Qh+2SVsX+KunY/9QhnU/M\n"
    "MMd9DIxun+STSIOzceNTfRYGGJD3L8MTZx2QUn9rcUmgrcj6iM73iVWCbrLHElfj\n"
    "2WsVH2seLb5OIeDiQM423f44DfyNwzBibOs96Q0Dk558Evb+IZ2Qalx9AoGAIeTO\n"
    "HOqNnmnwhABtWjVQGsptCmMg1snZvz4/P/jAbN7yBCxgb0FyC5oHUju9sJ5rhV1N\n"
    "zot81WjiXp7d2Bq8u4Y352/9g15uZk+yiAlMeGNZkRc6zuE66+3x+w4NWsITS9fT\n"
    "nXwM2dEdbJ+DsWqsYQbg8r0wGX2c/h5RONqDG6kCgYBDMkJl5zQ66GuTNCmCHoKI\n"
    "i82SIhH/9NodOeZjoa41FNCdC67Ibpz4UYwD7Y4QVYgZmLfUmOt8dbcFZIzzHHKo\n"
    "MVfCmcCPgw+iMuDjISc/xPUAM2iN7wV+u1wlg6TU6+TUhx1EvqQzseAOUF9ZjiqB\n"
    "W5gTIDlUdVQ0oU9RFzpkMA==\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kEcPrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgl3xGxa4AYrQz4boP\n"
    "el1J+k9iUIvozGesuaIiKcnpqTqhRANCAATSq2R259e3LgXqNQYrqlpTOvFbB5pQ\n"
    "CoQlgC6P66GDssWRQljESA8YY0+1H20ae2eZwN/DM3KBZoD4ld8tbFkg\n"
    "-----END PRIVATE KEY-----\n";

}  // namespace vox::api::fuzz
