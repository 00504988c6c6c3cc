// A thin C shim over librdkafka 2.0.2 for the calls Swift cannot make directly
// (variadic functions and macros). Keep it small: logic lives in Swift.
#ifndef NAZORG_CRDKAFKA_SHIM_H
#define NAZORG_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// Enqueues one record for delivery. The payload, key and topic name are copied,
/// so the caller's buffers may be released as soon as this returns.
/// On success librdkafka owns `headers`; on failure the caller still owns them.
/// `opaque` is handed back in the delivery report as `rkmessage->_private`.
static inline rd_kafka_resp_err_t nazorg_produce(rd_kafka_t *rk,
                                                 const char *topic,
                                                 int32_t partition,
                                                 const void *key, size_t key_len,
                                                 const void *value, size_t value_len,
                                                 rd_kafka_headers_t *headers,
                                                 void *opaque) {
    if (headers) {
        return rd_kafka_producev(rk,
                                 RD_KAFKA_V_TOPIC(topic),
                                 RD_KAFKA_V_PARTITION(partition),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_KEY(key, key_len),
                                 RD_KAFKA_V_VALUE((void *)value, value_len),
                                 RD_KAFKA_V_HEADERS(headers),
                                 RD_KAFKA_V_OPAQUE(opaque),
                                 RD_KAFKA_V_END);
    }
    return rd_kafka_producev(rk,
                             RD_KAFKA_V_TOPIC(topic),
                             RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len),
                             RD_KAFKA_V_OPAQUE(opaque),
                             RD_KAFKA_V_END);
}

/// The partition constant is a macro; Swift sees it as a function.
static inline int32_t nazorg_partition_unassigned(void) { return RD_KAFKA_PARTITION_UA; }

/// The offset stored for a message is the next one to read.
static inline int64_t nazorg_offset_end(void) { return RD_KAFKA_OFFSET_END; }
static inline int64_t nazorg_offset_beginning(void) { return RD_KAFKA_OFFSET_BEGINNING; }

#endif
