/* parser/mask.c — see mask.h. */
#include "parser/mask.h"

#include <string.h>

#include "parser/validate.h"

struct span {
    uint32_t off, len;
};

static size_t copy_masked(const uint8_t *line, size_t len, const struct span *sp, size_t n,
                          char *out, size_t cap)
{
    size_t o = 0, pos = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i <= n; i++) {
        size_t upto = i < n ? sp[i].off : len;
        if (upto < pos)
            continue;
        size_t k = upto - pos;
        if (o + k >= cap)
            k = cap - 1 - o;
        memcpy(out + o, line + pos, k);
        o += k;
        if (i == n)
            break;
        size_t m = strlen(AT_MASK);
        if (o + m < cap) {
            memcpy(out + o, AT_MASK, m);
            o += m;
        }
        pos = sp[i].off + sp[i].len;
    }
    out[o] = '\0';
    return o;
}

static bool command_has_secret(const struct gram_command *c)
{
    for (uint16_t j = 0; c && j < c->n_forms; j++)
        for (uint16_t i = 0; i < c->forms[j].n_params; i++)
            if (c->forms[j].params[i].secret)
                return true;
    return false;
}

static bool index_has_secret(const struct at_index *ix)
{
    for (uint8_t s = 0; s < ix->n_slots; s++)
        for (uint16_t k = 0; k < ix->slots[s].v->n_commands; k++)
            if (command_has_secret(&ix->slots[s].v->commands[k]))
                return true;
    return false;
}

size_t at_mask_command(const struct at_index *ix, const uint8_t *line, size_t len, char *out,
                       size_t cap)
{
    struct at_cmdline cl;
    struct at_verror e;
    enum at_err r = at_validate_command(ix, -1, line, len, &cl, &e);
    struct span sp[AT_MAX_CONCAT * GRAM_MAX_PARAMS];
    size_t n = 0;
    for (uint8_t c = 0; c < cl.n; c++) {
        const struct at_cmd *cmd = &cl.cmds[c];
        for (uint16_t i = 0; i < cmd->n_args && i < cmd->form->n_params; i++)
            if (cmd->form->params[i].secret && cmd->args[i].kind != AT_V_ABSENT)
                sp[n++] = (struct span){cmd->args[i].off, cmd->args[i].len};
    }
    if (r != AT_OK && (command_has_secret(e.cmd) || (!e.cmd && index_has_secret(ix)))) {
        /* The faulty command may carry a secret, and we cannot tell which argument is
         * which: mask every quoted string after the commands that parsed. */
        size_t start = 0;
        for (uint8_t k = 0; k < cl.n; k++)
            start = cl.cmds[k].off + cl.cmds[k].len;
        for (size_t i = start; i < len && n < sizeof sp / sizeof sp[0]; i++) {
            if (line[i] != '"')
                continue;
            size_t j = i + 1;
            while (j < len && line[j] != '"')
                j++;
            sp[n++] = (struct span){(uint32_t)i, (uint32_t)((j < len ? j + 1 : len) - i)};
            i = j;
        }
    }
    return copy_masked(line, len, sp, n, out, cap);
}

size_t at_mask_response(const struct at_result *r, const uint8_t *line, size_t len, char *out,
                        size_t cap)
{
    struct span sp[GRAM_MAX_PARAMS];
    size_t n = 0;
    if (r->line)
        for (uint16_t i = 0; i < r->n_fields && i < r->line->tpl.n_fields; i++)
            if (r->line->tpl.fields[i].secret && r->fields[i].kind != AT_V_ABSENT)
                sp[n++] = (struct span){r->fields[i].off, r->fields[i].len};
    return copy_masked(line, len, sp, n, out, cap);
}

size_t at_secret_values(const struct at_index *ix, const uint8_t *line, size_t len,
                        void (*each)(void *ctx, const char *value), void *ctx)
{
    struct at_cmdline cl;
    struct at_verror e;
    size_t n = 0;
    if (at_validate_command(ix, -1, line, len, &cl, &e) != AT_OK)
        return 0;
    for (uint8_t k = 0; k < cl.n; k++) {
        const struct at_cmd *c = &cl.cmds[k];
        uint8_t escapes = ix->slots[c->slot].v->escapes;
        for (uint16_t i = 0; i < c->n_args && i < c->form->n_params; i++) {
            if (!c->form->params[i].secret || c->args[i].kind == AT_V_ABSENT)
                continue;
            char val[256];
            size_t vl = at_value_decode(line, &c->args[i], escapes, (uint8_t *)val, sizeof val - 1);
            val[vl < sizeof val - 1 ? vl : sizeof val - 1] = '\0';
            each(ctx, val);
            n++;
        }
    }
    return n;
}
