from fupin.cli import main

main()
