#include "CJPEG.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// jpeglib.h needs stdio.h's FILE first.
#include <jpeglib.h>
#include <jerror.h>

// libjpeg's error manager extended with the jump target and the failure's classification.
// It lives in the caller of the function that calls setjmp, so its fields survive the longjmp.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    sluice_jpeg_status status;
    char *message;
    size_t message_capacity;
} jpeg_failure;

typedef struct {
    struct jpeg_progress_mgr base;
    uint32_t max_scans;
} scan_limit;

static void record_failure(jpeg_failure *failure, sluice_jpeg_status status, const char *text) {
    if (failure->status != SLUICE_JPEG_OK) return;
    failure->status = status;
    if (failure->message != NULL && failure->message_capacity > 0) {
        snprintf(failure->message, failure->message_capacity, "%s", text);
    }
}

static sluice_jpeg_status classify(int code) {
    switch (code) {
    case JWRN_JPEG_EOF:
    case JERR_INPUT_EOF:
    case JERR_INPUT_EMPTY:
        return SLUICE_JPEG_TRUNCATED;
    case JERR_BAD_PRECISION:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_ARITH_NOTIMPL:
    case JERR_NOT_COMPILED:
    case JERR_NOTIMPL:
        return SLUICE_JPEG_UNSUPPORTED;
    case JERR_OUT_OF_MEMORY:
        return SLUICE_JPEG_OUT_OF_MEMORY;
    case JERR_IMAGE_TOO_BIG:
        return SLUICE_JPEG_TOO_LARGE;
    default:
        return SLUICE_JPEG_CORRUPT;
    }
}

static void fail_with_current_message(j_common_ptr cinfo) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    record_failure(failure, classify(cinfo->err->msg_code), text);
    longjmp(failure->jump, 1);
}

static void on_error_exit(j_common_ptr cinfo) { fail_with_current_message(cinfo); }

// Level -1 is a warning: libjpeg has met damaged data and would patch over it. Refuse the file.
// Higher levels are trace messages and are ignored.
static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0) fail_with_current_message(cinfo);
}

static void on_progress(j_common_ptr cinfo) {
    scan_limit *limit = (scan_limit *)cinfo->progress;
    j_decompress_ptr decompressor = (j_decompress_ptr)cinfo;
    if (cinfo->is_decompressor && (uint32_t)decompressor->input_scan_number > limit->max_scans) {
        jpeg_failure *failure = (jpeg_failure *)cinfo->err;
        record_failure(failure, SLUICE_JPEG_TOO_MANY_SCANS, "more progressive scans than the limit allows");
        longjmp(failure->jump, 1);
    }
}

static void fill_info(j_decompress_ptr cinfo, sluice_jpeg_info *info) {
    info->width = cinfo->image_width;
    info->height = cinfo->image_height;
    info->output_width = cinfo->image_width;
    info->output_height = cinfo->image_height;
    info->components = (uint8_t)cinfo->num_components;
    info->color_space = (uint8_t)cinfo->jpeg_color_space;
    info->adobe_inverted = cinfo->saw_Adobe_marker ? 1 : 0;
    info->progressive = cinfo->progressive_mode ? 1 : 0;
    int cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    info->output_channels = cmyk ? 4 : 3;
}

// Every libjpeg call below runs under this setjmp. State that must survive a jump (the row buffer,
// the failure) lives in the caller; no local of this function is read after a jump.
static void decode_under_jump(j_decompress_ptr cinfo, jpeg_failure *failure, const uint8_t *data, size_t length,
                              const sluice_jpeg_limits *limits, unsigned scale_denominator,
                              sluice_jpeg_row_callback on_row, void *context, sluice_jpeg_info *info,
                              scan_limit *progress, uint8_t **row) {
    if (setjmp(failure->jump)) return;
    jpeg_create_decompress(cinfo);
    cinfo->progress = &progress->base; // after create, which zeroes the struct
    jpeg_mem_src(cinfo, data, (unsigned long)length);
    jpeg_read_header(cinfo, TRUE);
    fill_info(cinfo, info);
    if ((uint64_t)cinfo->image_width * (uint64_t)cinfo->image_height > limits->max_pixels) {
        record_failure(failure, SLUICE_JPEG_TOO_LARGE, "width * height is above the pixel limit");
        return;
    }
    if (on_row == NULL) return; // probe only

    cinfo->out_color_space = info->output_channels == 4 ? JCS_CMYK : JCS_RGB;
    cinfo->scale_num = 1;
    cinfo->scale_denom = scale_denominator;
    jpeg_calc_output_dimensions(cinfo);
    info->output_width = cinfo->output_width;
    info->output_height = cinfo->output_height;
    if ((uint32_t)cinfo->output_components != info->output_channels) {
        record_failure(failure, SLUICE_JPEG_UNSUPPORTED, "libjpeg chose an unexpected output colour layout");
        return;
    }
    *row = malloc((size_t)cinfo->output_width * info->output_channels);
    if (*row == NULL) {
        record_failure(failure, SLUICE_JPEG_OUT_OF_MEMORY, "no memory for one output row");
        return;
    }
    // For progressive files this reads every scan, so the scan limit applies here.
    jpeg_start_decompress(cinfo);
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW rows[1] = {*row};
        uint32_t y = cinfo->output_scanline;
        if (jpeg_read_scanlines(cinfo, rows, 1) != 1) {
            record_failure(failure, SLUICE_JPEG_TRUNCATED, "libjpeg returned no row before the end of the image");
            return;
        }
        if (on_row(context, *row, y, info) != 0) {
            record_failure(failure, SLUICE_JPEG_STOPPED, "stopped by the row callback");
            return;
        }
    }
    jpeg_finish_decompress(cinfo);
}

static sluice_jpeg_status run(const uint8_t *data, size_t length, const sluice_jpeg_limits *limits,
                              unsigned scale_denominator, sluice_jpeg_row_callback on_row, void *context,
                              sluice_jpeg_info *info, char *message, size_t message_capacity) {
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    scan_limit progress;
    uint8_t *row = NULL;

    memset(&cinfo, 0, sizeof cinfo);
    memset(&failure, 0, sizeof failure);
    memset(&progress, 0, sizeof progress);
    memset(info, 0, sizeof *info);
    if (message != NULL && message_capacity > 0) message[0] = '\0';
    failure.message = message;
    failure.message_capacity = message_capacity;

    cinfo.err = jpeg_std_error(&failure.base);
    failure.base.error_exit = on_error_exit;
    failure.base.emit_message = on_message;
    progress.base.progress_monitor = on_progress;
    progress.max_scans = limits->max_scans;

    if (scale_denominator != 1 && scale_denominator != 2 && scale_denominator != 4 && scale_denominator != 8) {
        record_failure(&failure, SLUICE_JPEG_UNSUPPORTED, "the DCT scale denominator must be 1, 2, 4 or 8");
        return failure.status;
    }
    decode_under_jump(&cinfo, &failure, data, length, limits, scale_denominator, on_row, context, info, &progress, &row);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    return failure.status;
}

sluice_jpeg_status sluice_jpeg_probe(const uint8_t *data, size_t length, const sluice_jpeg_limits *limits,
                                     sluice_jpeg_info *info, char *message, size_t message_capacity) {
    return run(data, length, limits, 1, NULL, NULL, info, message, message_capacity);
}

sluice_jpeg_status sluice_jpeg_decode(const uint8_t *data, size_t length, const sluice_jpeg_limits *limits,
                                      unsigned scale_denominator, sluice_jpeg_row_callback on_row, void *context,
                                      sluice_jpeg_info *info, char *message, size_t message_capacity) {
    if (on_row == NULL) {
        memset(info, 0, sizeof *info);
        if (message != NULL && message_capacity > 0) snprintf(message, message_capacity, "no row callback");
        return SLUICE_JPEG_STOPPED;
    }
    return run(data, length, limits, scale_denominator, on_row, context, info, message, message_capacity);
}
