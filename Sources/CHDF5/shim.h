#include <hdf5.h>

// HDF5's type and property constants are macros that expand to globals valid only after
// H5open(); Swift cannot import them, so they are exposed as functions.
static inline hid_t mrsh_H5T_NATIVE_FLOAT(void) { H5open(); return H5T_NATIVE_FLOAT; }
static inline hid_t mrsh_H5T_NATIVE_DOUBLE(void) { H5open(); return H5T_NATIVE_DOUBLE; }
static inline hid_t mrsh_H5T_NATIVE_INT8(void) { H5open(); return H5T_NATIVE_INT8; }
static inline hid_t mrsh_H5T_NATIVE_UINT8(void) { H5open(); return H5T_NATIVE_UINT8; }
static inline hid_t mrsh_H5T_NATIVE_INT16(void) { H5open(); return H5T_NATIVE_INT16; }
static inline hid_t mrsh_H5T_NATIVE_INT32(void) { H5open(); return H5T_NATIVE_INT32; }
static inline hid_t mrsh_H5T_NATIVE_INT64(void) { H5open(); return H5T_NATIVE_INT64; }
static inline hid_t mrsh_H5T_C_S1(void) { H5open(); return H5T_C_S1; }
static inline hid_t mrsh_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t mrsh_H5P_FILE_ACCESS(void) { H5open(); return H5P_FILE_ACCESS; }
static inline hid_t mrsh_H5P_DATASET_CREATE(void) { H5open(); return H5P_DATASET_CREATE; }
static inline hid_t mrsh_H5S_ALL(void) { return H5S_ALL; }
static inline unsigned mrsh_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned mrsh_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned mrsh_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline size_t mrsh_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hsize_t mrsh_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline hid_t mrsh_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t mrsh_H5T_NATIVE_UINT16(void) { H5open(); return H5T_NATIVE_UINT16; }
static inline hid_t mrsh_H5T_NATIVE_UINT32(void) { H5open(); return H5T_NATIVE_UINT32; }
static inline hid_t mrsh_H5T_NATIVE_UINT64(void) { H5open(); return H5T_NATIVE_UINT64; }
static inline hid_t mrsh_H5T_NATIVE_HBOOL(void) { H5open(); return H5T_NATIVE_HBOOL; }
static inline hid_t mrsh_H5T_STD_I64LE(void) { H5open(); return H5T_STD_I64LE; }
static inline hid_t mrsh_H5T_STD_I32LE(void) { H5open(); return H5T_STD_I32LE; }
/// Turns off HDF5's automatic printing of error stacks (a library must not print).
static inline void mrsh_H5_silence_errors(void) { H5open(); H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
