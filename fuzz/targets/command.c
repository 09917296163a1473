/* fuzz/targets/command.c — fuzz_command: a command line (what a host sends) through the
 * command-line validator over all five vendors. Oracles: the validator and the lighter
 * identifier agree on what a valid line holds; every offset it reports lies in the line;
 * the masker leaves no credential of a valid line in the clear. */
#include <string.h>

#include "fuzz/fixture.h"
#include "parser/bytes.h"
#include "fuzz/fuzz.h"
#include "parser/mask.h"
#include "parser/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct fz_fixture *fx = fz_fixture_get();
    const struct at_index *ix = &fx->all;
    static struct at_cmdline cl, il;
    struct at_verror e, ie;
    enum at_err r = at_validate_command(ix, -1, data, size, &cl, &e);
    FZ_CHECK(cl.n <= AT_MAX_CONCAT, "%u commands", cl.n);
    for (uint8_t k = 0; k < cl.n; k++)
        FZ_CHECK((size_t)cl.cmds[k].off + cl.cmds[k].len <= size, "command %u spans past the line", k);
    if (r != AT_OK) {
        FZ_CHECK(e.off <= size, "error %s at offset %u of a %zu-byte line", at_err_name(r), e.off, size);
        return 0;
    }
    enum at_err ir = at_identify_command(ix, data, size, &il, &ie);
    FZ_CHECK(ir == AT_OK, "valid, but the identifier says %s at %u", at_err_name(ir), ie.off);
    FZ_CHECK(il.n == cl.n, "valid with %u commands, identified with %u", cl.n, il.n);
    for (uint8_t k = 0; k < cl.n; k++) {
        FZ_CHECK(il.cmds[k].form == cl.cmds[k].form, "command %u read as two different forms", k);
        for (uint16_t a = 0; a < cl.cmds[k].n_args; a++) {
            const struct at_value *v = &cl.cmds[k].args[a];
            FZ_CHECK(v->off + v->len <= size, "argument %u of command %u spans past the line", a, k);
        }
    }
    /* credentials of a valid line never pass the masker */
    static char masked[8192];
    size_t ml = at_mask_command(ix, data, size, masked, sizeof masked);
    if (size + 1 > sizeof masked)
        return 0;
    for (uint8_t k = 0; k < cl.n; k++) {
        const struct at_cmd *c = &cl.cmds[k];
        for (uint16_t a = 0; a < c->n_args && a < c->form->n_params; a++) {
            const struct at_value *v = &c->args[a];
            uint32_t cl_len = at_value_clen(v);
            if (!c->form->params[a].secret || v->kind == AT_V_ABSENT || cl_len < 3)
                continue;
            const uint8_t *secret = data + at_value_cstart(v);
            FZ_CHECK(at_count(masked, ml, secret, cl_len) < at_count(data, size, secret, cl_len),
                     "the secret parameter '%s' is still in the masked line: %s",
                     c->form->params[a].name, masked);
        }
    }
    return 0;
}
