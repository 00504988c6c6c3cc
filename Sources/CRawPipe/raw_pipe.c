#include "nazorg_raw_pipe.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/// Outstanding records of one wave; delivery reports are served on the pipe's own thread
/// (inside rd_kafka_poll), so no locking is needed.
typedef struct {
    long outstanding;
    rd_kafka_resp_err_t failure;
} wave_t;

static void delivered(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk;
    (void)opaque;
    wave_t *wave = (wave_t *)message->_private;
    if (!wave) return;
    if (message->err && !wave->failure) wave->failure = message->err;
    wave->outstanding--;
}

static rd_kafka_t *new_client(rd_kafka_type_t type, const char *const *settings, int pairs, char *error, size_t size) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (int i = 0; i < pairs; i++) {
        if (rd_kafka_conf_set(conf, settings[2 * i], settings[2 * i + 1], error, size) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    }
    if (type == RD_KAFKA_PRODUCER) rd_kafka_conf_set_dr_msg_cb(conf, delivered);
    rd_kafka_t *rk = rd_kafka_new(type, conf, error, size);
    if (!rk) rd_kafka_conf_destroy(conf);
    return rk;
}

static int fail(nazorg_raw_pipe_result *result, const char *what, rd_kafka_resp_err_t err) {
    snprintf(result->error, sizeof(result->error), "%s: %s", what, err ? rd_kafka_err2name(err) : "failed");
    return -1;
}

/// Writes the outputs [first, last) of every record of the batch and waits for all of them.
static rd_kafka_resp_err_t write_wave(rd_kafka_t *producer, rd_kafka_message_t **batch, int count,
                                      const nazorg_raw_pipe_config *config, int first, int last,
                                      const char *payload, long *produced) {
    wave_t wave = {0, RD_KAFKA_RESP_ERR_NO_ERROR};
    for (int i = 0; i < count; i++) {
        rd_kafka_message_t *input = batch[i];
        if (!input || input->err) continue;
        for (int k = first; k < last; k++) {
            for (;;) {
                rd_kafka_resp_err_t err = rd_kafka_producev(
                    producer, RD_KAFKA_V_TOPIC(config->output_topics[k]), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_KEY(input->key, input->key_len),
                    RD_KAFKA_V_VALUE((void *)payload, (size_t)config->output_sizes[k]), RD_KAFKA_V_OPAQUE(&wave),
                    RD_KAFKA_V_END);
                if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
                if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return err;
                rd_kafka_poll(producer, 1);
            }
            wave.outstanding++;
            (*produced)++;
        }
    }
    while (wave.outstanding > 0) rd_kafka_poll(producer, 5);
    return wave.failure;
}

int nazorg_raw_pipe(const nazorg_raw_pipe_config *config, nazorg_raw_pipe_result *result) {
    memset(result, 0, sizeof(*result));
    char error[512];
    const char *producer_settings[] = {
        "bootstrap.servers", config->bootstrap, "enable.idempotence", "true", "acks", "all", "linger.ms", "5",
        "batch.num.messages", "10000", "queue.buffering.max.messages", "1000000",
        "queue.buffering.max.kbytes", "1048576", "socket.nagle.disable", "true",
    };
    const char *consumer_settings[] = {
        "bootstrap.servers", config->bootstrap, "group.id", config->group, "enable.auto.commit", "false",
        "auto.offset.reset", "earliest", "fetch.wait.max.ms", "100", "socket.nagle.disable", "true",
    };
    rd_kafka_t *producer = new_client(RD_KAFKA_PRODUCER, producer_settings, 8, error, sizeof(error));
    if (!producer) return fail(result, "producer not created", RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_t *consumer = new_client(RD_KAFKA_CONSUMER, consumer_settings, 6, error, sizeof(error));
    if (!consumer) {
        rd_kafka_destroy(producer);
        return fail(result, "consumer not created", RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, config->input_topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t subscribed = rd_kafka_subscribe(consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    int status = 0;
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(consumer);
    rd_kafka_message_t **batch = calloc((size_t)config->batch_size, sizeof(*batch));
    int largest = 1;
    for (int k = 0; k < config->outputs; k++) if (config->output_sizes[k] > largest) largest = config->output_sizes[k];
    char *payload = malloc((size_t)largest);
    memset(payload, 'x', (size_t)largest);
    if (subscribed) status = fail(result, "subscribe", subscribed);

    double start = 0, deadline = seconds_now() + config->timeout_seconds;
    while (status == 0 && result->consumed < config->expected) {
        if (seconds_now() > deadline) {
            status = fail(result, "timed out", RD_KAFKA_RESP_ERR__TIMED_OUT);
            break;
        }
        // Take what is there; if nothing is, wait for one record and take what came with it.
        ssize_t n = rd_kafka_consume_batch_queue(queue, 0, batch, (size_t)config->batch_size);
        if (n == 0) {
            rd_kafka_message_t *first = rd_kafka_consume_queue(queue, 200);
            if (!first) continue;
            batch[0] = first;
            ssize_t rest = config->batch_size > 1
                ? rd_kafka_consume_batch_queue(queue, 0, batch + 1, (size_t)config->batch_size - 1) : 0;
            n = 1 + (rest > 0 ? rest : 0);
        }
        if (n < 0) {
            status = fail(result, "consume", rd_kafka_last_error());
            break;
        }
        if (start == 0) start = seconds_now();
        rd_kafka_resp_err_t err = config->waves == 2
            ? write_wave(producer, batch, (int)n, config, 0, 1, payload, &result->produced)
            : write_wave(producer, batch, (int)n, config, 0, config->outputs, payload, &result->produced);
        if (!err && config->waves == 2)
            err = write_wave(producer, batch, (int)n, config, 1, config->outputs, payload, &result->produced);
        rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new((int)n);
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = batch[i];
            if (!m->err) {
                rd_kafka_topic_partition_t *p =
                    rd_kafka_topic_partition_list_find(offsets, rd_kafka_topic_name(m->rkt), m->partition);
                if (!p) p = rd_kafka_topic_partition_list_add(offsets, rd_kafka_topic_name(m->rkt), m->partition);
                if (p->offset < m->offset + 1) p->offset = m->offset + 1;
                result->consumed++;
            }
            rd_kafka_message_destroy(m);
        }
        if (!err) err = rd_kafka_commit(consumer, offsets, 0);
        rd_kafka_topic_partition_list_destroy(offsets);
        if (err) status = fail(result, "write or commit", err);
    }
    result->seconds = start == 0 ? 0 : seconds_now() - start;
    free(payload);
    free(batch);
    rd_kafka_queue_destroy(queue);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    rd_kafka_flush(producer, 10000);
    rd_kafka_destroy(producer);
    return status;
}
