// The baseline of `nazorg-hub bench filter`: a consume→produce pipe written directly against
// librdkafka in C, doing the Kafka work the filter does (read a batch, write a given number of
// records of given sizes per input record, wait for their acknowledgements, commit) and
// nothing else: no decoding, no policy, no state.
#ifndef NAZORG_RAW_PIPE_H
#define NAZORG_RAW_PIPE_H

#include <stddef.h>

typedef struct {
    const char *bootstrap;
    const char *group;
    const char *input_topic;
    long expected;
    /// Per input record: `outputs` records, the i-th to `output_topics[i]` with a value of
    /// `output_sizes[i]` bytes, keyed like the input record.
    int outputs;
    const char *const *output_topics;
    const int *output_sizes;
    /// 1: write every output of a batch, then wait. 2: write the first output of every
    /// record and wait for those acknowledgements, then the others (the filter's order).
    int waves;
    int batch_size;
    int timeout_seconds;
} nazorg_raw_pipe_config;

typedef struct {
    /// From the first record read to the last commit.
    double seconds;
    long consumed;
    long produced;
    char error[256];
} nazorg_raw_pipe_result;

/// Runs the pipe until `expected` records were read, committed and their outputs
/// acknowledged. Returns 0, or -1 with `result->error` set.
int nazorg_raw_pipe(const nazorg_raw_pipe_config *config, nazorg_raw_pipe_result *result);

#endif
