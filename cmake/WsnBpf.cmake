# wsn_bpf_skeleton(BPFTOOL OBJECT NAME HEADER): the libbpf skeleton HEADER (`bpftool gen
# skeleton OBJECT name NAME`), written whole or not at all, rebuilt when OBJECT changes. Used by
# both BPF programs of the product (the eBPF collector, the XDP filter).
function(wsn_bpf_skeleton bpftool object name header)
  get_filename_component(_file ${header} NAME)
  add_custom_command(
    OUTPUT ${header}
    COMMAND sh -c "\"$0\" gen skeleton \"$1\" name ${name} > \"$2\"" ${bpftool} ${object}
            ${header}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${header}.tmp ${header}
    DEPENDS ${object}
    COMMENT "Generating BPF skeleton ${_file}"
    VERBATIM)
endfunction()
