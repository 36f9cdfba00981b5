// ELEM: a storage element of ELEM_BYTES bytes, moved as bits so one shader serves every data type
// of that width. 8-byte elements (int64) are two uint words; no shaderInt64 is needed.
#if ELEM_BYTES == 1
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
#define ELEM uint8_t
#define ELEM_ZERO uint8_t(0)
#elif ELEM_BYTES == 2
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int16 : require
#define ELEM uint16_t
#define ELEM_ZERO uint16_t(0)
#elif ELEM_BYTES == 8
#define ELEM uvec2
#define ELEM_ZERO uvec2(0u)
#else
#define ELEM uint
#define ELEM_ZERO 0u
#endif
