// Writes the two four-channel JPEG fixtures Pillow cannot: YCCK with an Adobe marker (samples
// inverted, as Photoshop writes them) and plain CMYK with no Adobe marker (samples as they are).
// Built and run by make_image_fixtures.py:  cc make_cmyk_jpegs.c -ljpeg && ./a.out ycck.jpg cmyk_plain.jpg
#include <stdio.h>
#include <jpeglib.h>

// Four 16 x 16 blocks, C M Y K each; make_image_fixtures.py holds the same values.
static const unsigned char colours[4][4] = {
    {0, 255, 255, 0}, {200, 0, 50, 30}, {10, 20, 30, 200}, {0, 0, 0, 0},
};

static int write_jpeg(const char *path, int ycck) {
    FILE *file = fopen(path, "wb");
    if (file == NULL) return 1;
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr errors;
    cinfo.err = jpeg_std_error(&errors);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, file);
    cinfo.image_width = 64;
    cinfo.image_height = 16;
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 95, TRUE);
    jpeg_set_colorspace(&cinfo, ycck ? JCS_YCCK : JCS_CMYK);
    if (!ycck) cinfo.write_Adobe_marker = FALSE; // no marker: a reader must take samples as not inverted
    for (int component = 0; component < cinfo.num_components; component++) {
        cinfo.comp_info[component].h_samp_factor = 1;
        cinfo.comp_info[component].v_samp_factor = 1;
    }
    jpeg_start_compress(&cinfo, TRUE);
    unsigned char row[64 * 4];
    for (int x = 0; x < 64; x++) {
        for (int channel = 0; channel < 4; channel++) {
            unsigned char value = colours[x / 16][channel];
            row[x * 4 + channel] = ycck ? (unsigned char)(255 - value) : value;
        }
    }
    JSAMPROW rows[1] = {row};
    while (cinfo.next_scanline < cinfo.image_height) jpeg_write_scanlines(&cinfo, rows, 1);
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return fclose(file) != 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s YCCK_OUT CMYK_PLAIN_OUT\n", argv[0]);
        return 2;
    }
    return write_jpeg(argv[1], 1) || write_jpeg(argv[2], 0);
}
