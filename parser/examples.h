/* parser/examples.h — replays a documented example exchange of the grammar through the
 * reference parser and says, step by step, how each line reads and what is wrong: a
 * command that does not validate, a line the grammar does not know or that breaks it, a
 * final result the command may not give, a payload of the wrong length, URCs out of their
 * flow's order. `otacheck grammar lint` and `grammar examples` use it. */
#ifndef OTACHECK_PARSER_EXAMPLES_H
#define OTACHECK_PARSER_EXAMPLES_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/index.h"

/* One step's reading: `reading` says what the step is ("final OK", "urc dl-progress"),
 * `problem` is NULL when the step is right. */
typedef void (*at_example_cb)(void *ctx, const struct gram_example *ex, const struct gram_step *st,
                              const char *reading, const char *problem);

/* Returns the number of problems. ix: an index over the example's vendor only. */
int at_check_example(const struct at_index *ix, const struct gram_example *ex, at_example_cb cb,
                     void *ctx);

#endif
