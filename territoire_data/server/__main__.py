from territoire_data.server.app import main

main()
