/* cli/verb_serve.c — `otacheck serve`: the OTA firmware server with named faults
 * (server/ota_server.h) until SIGINT or SIGTERM. It prints one line, "serving URL (image
 * NAME, N bytes, sha256 HEX)", writes the port to --port-file (atomically; removed again on
 * a clean stop), and logs each request as a JSON line to --log (appended) or stderr.
 * Exit status: 0 stopped by a signal, 1 the server could not start (threads), 2 usage error
 * (a bad option, an unknown fault: named, and the faults listed), 3 the listen address
 * cannot be bound, 4 the log, the port file or the image cannot be opened or written. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/fileio.h"
#include "reports/report.h"
#include "server/ota_server.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: otacheck serve [--listen HOST:PORT] [--image FILE | --image-size N]\n"
            "                      [--fault NAME[=ARG]]... [--log FILE] [--port-file FILE]\n"
            "                      [--max-connections N] [--idle-timeout S]\n"
            "       otacheck serve --list-faults [--markdown]\n"
            "  An HTTP server of one OTA image, with named faults, until SIGINT or SIGTERM.\n"
            "  Paths: /image.bin and /fw/ANY (the image; Range: bytes=A-B, A-, -N), /image.bin.sha256,\n"
            "  /image.bin.md5 (hex), /fault/NAME[=ARG][,...]/PATH (those faults for that request\n"
            "  instead of --fault), /nofault/PATH (no fault)\n"
            "  --listen HOST:PORT     where to listen (default %s: a port the system picks)\n"
            "  --image FILE           serve this file\n"
            "  --image-size N         serve the reference image of N bytes (default %zu)\n"
            "  --fault NAME[=ARG]     apply a fault to every image request; may be repeated\n"
            "  --log FILE             append one JSON line per request (default: stderr)\n"
            "  --port-file FILE       write the bound port there, atomically\n"
            "  --max-connections N    connections at once (default %d; one more is closed)\n"
            "  --idle-timeout S       close a connection with nothing sent or received for S s\n"
            "                         (default %d)\n"
            "  --list-faults          the faults, their arguments and what they break (--markdown)\n"
            "exit: 0 stopped by SIGINT or SIGTERM, 1 could not start, 2 usage error, 3 the address\n"
            "      cannot be bound, 4 the image, log or port file cannot be read or written\n",
            OTA_SERVER_LISTEN, OTA_IMAGE_DEFAULT_SIZE, OTA_SERVER_MAX_CONNECTIONS, OTA_SERVER_TIMEOUT_S);
}

int verb_serve(int argc, char **argv)
{
    enum { O_LISTEN = 1, O_IMAGE, O_SIZE, O_FAULT, O_LOG, O_PORT_FILE, O_MAX, O_TIMEOUT, O_LIST, O_MARKDOWN };
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, O_LISTEN},
        {"image", required_argument, NULL, O_IMAGE},
        {"image-size", required_argument, NULL, O_SIZE},
        {"fault", required_argument, NULL, O_FAULT},
        {"log", required_argument, NULL, O_LOG},
        {"port-file", required_argument, NULL, O_PORT_FILE},
        {"max-connections", required_argument, NULL, O_MAX},
        {"idle-timeout", required_argument, NULL, O_TIMEOUT},
        {"list-faults", no_argument, NULL, O_LIST},
        {"markdown", no_argument, NULL, O_MARKDOWN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ota_fault faults[OTA_MAX_FAULTS];
    size_t n_faults = 0;
    const char *listen = OTA_SERVER_LISTEN, *image_file = NULL, *log_file = NULL, *port_file = NULL;
    unsigned long long size = OTA_IMAGE_DEFAULT_SIZE, max_conn = OTA_SERVER_MAX_CONNECTIONS,
                       timeout = OTA_SERVER_TIMEOUT_S;
    bool size_given = false, list = false, markdown = false;
    char err[1024];
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case O_LISTEN: listen = optarg; break;
        case O_IMAGE: image_file = optarg; break;
        case O_SIZE:
            if (cli_parse_uint("serve", "--image-size", optarg, 1, 1ull << 34, &size) != EXIT_PASS)
                return EXIT_USAGE;
            size_given = true;
            break;
        case O_FAULT:
            if (n_faults == OTA_MAX_FAULTS) {
                fprintf(stderr, "otacheck serve: more than %d --fault\n", OTA_MAX_FAULTS);
                return EXIT_USAGE;
            }
            if (ota_fault_parse(optarg, strlen(optarg), &faults[n_faults], err, sizeof err) != 0) {
                fprintf(stderr, "otacheck serve: --fault %s: %s\n"
                                "  (otacheck serve --list-faults says what each does)\n", optarg, err);
                return EXIT_USAGE;
            }
            n_faults++;
            break;
        case O_LOG: log_file = optarg; break;
        case O_PORT_FILE: port_file = optarg; break;
        case O_MAX:
            if (cli_parse_uint("serve", "--max-connections", optarg, 1, 4096, &max_conn) != EXIT_PASS)
                return EXIT_USAGE;
            break;
        case O_TIMEOUT:
            if (cli_parse_uint("serve", "--idle-timeout", optarg, 1, 86400, &timeout) != EXIT_PASS)
                return EXIT_USAGE;
            break;
        case O_LIST: list = true; break;
        case O_MARKDOWN: markdown = true; break;
        case 'h': usage(stdout); return EXIT_PASS;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "otacheck serve: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (list) {
        ota_fault_list(stdout, markdown);
        return fflush(stdout) == 0 ? EXIT_PASS : RP_EXIT_NOT_WRITTEN;
    }
    if (markdown) {
        fprintf(stderr, "otacheck serve: --markdown goes with --list-faults\n");
        return EXIT_USAGE;
    }
    if (image_file && size_given) {
        fprintf(stderr, "otacheck serve: --image and --image-size: one image at a time\n");
        return EXIT_USAGE;
    }

    struct ota_image im;
    if (image_file) {
        if (ota_image_load(&im, image_file, err, sizeof err) != 0) {
            fprintf(stderr, "otacheck serve: --image: %s\n", err);
            return RP_EXIT_NOT_WRITTEN;
        }
    } else
        ota_image_reference(&im, (size_t)size, OTA_IMAGE_DEFAULT_SEED);
    FILE *log = stderr;
    if (log_file && !(log = fopen(log_file, "a"))) {
        fprintf(stderr, "otacheck serve: cannot open the log %s: %s\n", log_file, strerror(errno));
        ota_image_free(&im);
        return RP_EXIT_NOT_WRITTEN;
    }

    /* SIGINT and SIGTERM are waited for here: blocked before the server's threads exist, so
     * that they inherit the mask and none of them takes the signal */
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct ota_server_opts o = {listen, &im, faults, n_faults, log, (unsigned)max_conn, (unsigned)timeout};
    enum ota_server_error why;
    struct ota_server *s = ota_server_start(&o, &why, err, sizeof err);
    int rc = EXIT_PASS;
    if (!s) {
        fprintf(stderr, "otacheck serve: %s\n", err);
        rc = why == OTA_SERVER_BAD_ADDRESS    ? EXIT_USAGE
             : why == OTA_SERVER_CANNOT_BIND ? EXIT_TARGET /* 3: the address cannot be bound */
                                             : EXIT_FAIL;
        goto out;
    }
    printf("serving %s (image %s, %zu bytes, sha256 %s)\n", ota_server_url(s), im.name, im.len, im.sha256);
    fflush(stdout);
    if (port_file) {
        char text[16];
        int n = snprintf(text, sizeof text, "%u\n", ota_server_port(s));
        if (oc_write_file_atomic(port_file, text, (size_t)n, err, sizeof err) != 0) {
            fprintf(stderr, "otacheck serve: --port-file: %s\n", err);
            port_file = NULL;
            rc = RP_EXIT_NOT_WRITTEN;
        }
    }
    if (rc == EXIT_PASS) {
        int sig;
        while (sigwait(&stop_set, &sig) != 0)
            ;
    }
    ota_server_stop(s);
    if (port_file)
        (void)unlink(port_file);
out:
    if (log != stderr)
        fclose(log);
    ota_image_free(&im);
    return rc;
}
