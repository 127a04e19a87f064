{
  "targets": [
    {
      "target_name": "loop_busy",
      "sources": ["native/loop_busy.c"],
      "cflags": ["-O2"]
    }
  ]
}
