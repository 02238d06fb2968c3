{
  "targets": [
    {
      "target_name": "watchdog",
      "sources": ["watchdog.cc"]
    }
  ]
}
