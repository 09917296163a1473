/* fuzz/identity.c — see identity.h. */
#include "fuzz/identity.h"

#include <stdio.h>
#include <string.h>

#include "grammar/model.h"

#define MS 1000000ull

bool fz_identity_learn(struct hx_session *s, char *out, size_t cap)
{
    static const char *const ask[] = {"ATI", "AT+CGMR"};
    size_t o = 0;
    bool answered = true;
    if (cap)
        out[0] = '\0';
    for (size_t a = 0; a < sizeof ask / sizeof ask[0]; a++) {
        struct hx_exchange x;
        if (hx_exchange(s, ask[a], 2000 * MS, &x) != HX_DONE) {
            answered = false;
            continue;
        }
        for (size_t i = x.first_ev; i < x.end_ev; i++) {
            const struct hx_event *e = &s->ev[i];
            if (e->cls == AT_CLS_INFO && o + e->len + 2 < cap)
                o += (size_t)snprintf(out + o, cap - o, "%s\n", e->text);
        }
    }
    return answered;
}

bool fz_leak_explained(const struct hx_session *s, const char *identity, const char *text)
{
    bool any = false;
    for (unsigned k = 0; k < hx_secret_count(s); k++) {
        const char *sec = s->secrets[k];
        if (strlen(sec) < HX_MIN_SECRET || !strstr(text, sec))
            continue;
        any = true;
        if (!strstr(identity, sec) && !gram_vendor_mentions(s->v, sec))
            return false;
    }
    return any;
}
